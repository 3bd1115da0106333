from django.conf import settings
from django.http import HttpRequest


def service(request: HttpRequest) -> dict[str, object]:
    return {
        "service_name": settings.SERVICE_NAME,
        "local_authority_name": settings.LOCAL_AUTHORITY_NAME,
    }
