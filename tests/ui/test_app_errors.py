"""What reaches a person when something fails inside the app: one line, the details in errors.log.

Under test (headless) the app re-raises so failures stay loud, so these call the handler as a terminal
session would see it, with `is_headless` false.
"""

from __future__ import annotations

from pathlib import Path
from unittest.mock import PropertyMock, patch

from _play_support import app_for

from exercise.ui.app import TtxApp


def test_an_error_while_running_becomes_one_line_and_a_log(tmp_path: Path) -> None:
    app = app_for(tmp_path)
    with patch.object(TtxApp, "is_headless", new_callable=PropertyMock, return_value=False):
        app._handle_exception(RuntimeError("widget exploded"))
    log = (tmp_path / "sessions" / "errors.log").read_text(encoding="utf-8")
    assert "RuntimeError: widget exploded" in log and "Traceback" not in str(app._exit_renderables)
    assert app._return_code == 1
    assert any("tabletop stopped after an unexpected error: widget exploded" in str(m) for m in app._exit_renderables)


def test_an_error_while_quitting_is_logged_not_shown(tmp_path: Path) -> None:
    """Quitting while widgets are still mounting can make Textual's own widgets fail on the way out;
    the person asked to quit, so the exit stays a clean one."""
    app = app_for(tmp_path)
    app.exit()
    with patch.object(TtxApp, "is_headless", new_callable=PropertyMock, return_value=False):
        app._handle_exception(LookupError("No nodes match 'HeaderTitle' on Header()"))
    assert "HeaderTitle" in (tmp_path / "sessions" / "errors.log").read_text(encoding="utf-8")
    assert app._return_code == 0 and not app._exit_renderables
