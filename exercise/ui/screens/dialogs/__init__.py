"""The facilitator's dialogs. Each is a modal screen that returns what the person asked for (or None when
cancelled); the console then sends the engine command, so a refusal is one notification and nothing
half-done."""

from .adjudicate import AdjudicateDialog, Adjudication, parse_change
from .base import ConfirmDialog, Dialog
from .observation import Observation, ObservationDialog
from .rehearse import RehearseDialog, readers_of
from .write_inject import WriteInjectDialog, WrittenInject, parse_options

__all__ = ["AdjudicateDialog", "Adjudication", "ConfirmDialog", "Dialog", "Observation", "ObservationDialog",
           "RehearseDialog", "WriteInjectDialog", "WrittenInject", "parse_change", "parse_options", "readers_of"]
