"""Records reads of patients' health data (the explicit read-access log; accounts/audit.py)."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from . import audit


class HealthReadAuditMiddleware:
    """Collects the patients the request's selectors resolved, then writes the read events of a
    successful GET/HEAD of a health-data route in one INSERT. If that write fails the response
    is not sent: a read that cannot be recorded is not served."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = audit.start_request()
        try:
            response = self.get_response(request)
        finally:
            touched = audit.end_request(token)
        audit.record_reads(request, response, touched)
        return response
