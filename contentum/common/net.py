import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def client_ip(request: HttpRequest) -> str:
    """The caller's address, trusting X-Forwarded-For only as far as NUM_PROXIES says.

    A hop that is not an IP address (a client can write anything into the header when
    there are fewer hops than proxies) falls back to REMOTE_ADDR: the address is stored
    in an `inet` column on PostgreSQL, where garbage would be a 500.
    """
    remote = request.META.get("REMOTE_ADDR", "") or ""
    proxies = settings.NUM_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            hop = hops[-min(proxies, len(hops))]
            if _valid_ip(hop):
                return hop
    return remote if _valid_ip(remote) else ""


def request_origin(request: HttpRequest) -> str:
    """`scheme://host[:port]`: the base for links a request's answer (and later its chat or
    generation task) will carry.

    PUBLIC_BASE_URL wins: behind a proxy the request's own host may be an internal one.
    `get_host()` is checked against ALLOWED_HOSTS, so a forged Host header cannot plant a
    foreign address in a link."""
    if settings.PUBLIC_BASE_URL:
        return settings.PUBLIC_BASE_URL
    return f"{request.scheme}://{request.get_host()}"
