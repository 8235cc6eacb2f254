"""REST API for programs, protocols, today's plan and session logs (/api/v1/...).

Views parse, check the caller's role, call one selector or service and respond. Every write goes
through services.py. A service's ValidationError becomes a 400 keyed by the same field paths the
service uses ("items[0].sets", "entries[1].skip_reason"); errors about the request as a whole are
{"detail": "..."}. Request bodies are JSON only: the bodies nest lists, which forms cannot express.
"""

from .programs import (
    ProgramDetail,
    ProgramEndView,
    ProgramList,
    ProgramPauseView,
    ProgramResumeView,
    ProgramVersionCreate,
    ProtocolDetail,
    ProtocolList,
)
from .sessions import SessionDetail, SessionList, Today

__all__ = [
    "ProgramDetail",
    "ProgramEndView",
    "ProgramList",
    "ProgramPauseView",
    "ProgramResumeView",
    "ProgramVersionCreate",
    "ProtocolDetail",
    "ProtocolList",
    "SessionDetail",
    "SessionList",
    "Today",
]
