"""The one error the report layer raises for a problem the user can fix; its message is one clear line."""


class ReportError(Exception):
    pass
