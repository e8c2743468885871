"""HTTP framing waitress accepts but RFC 9112 §6.1 says to distrust: a request with both Transfer-Encoding and
Content-Length (request smuggling through a proxy that reads the other one), or Transfer-Encoding in HTTP/1.0.
Such a request gets 400 and the connection is closed after it, so nothing pipelined behind it is answered."""

from __future__ import annotations

from typing import Any

from waitress.channel import HTTPChannel
from waitress.parser import HEADER_FIELD_RE, HTTPRequestParser, ParsingError, get_header_lines


class StrictParser(HTTPRequestParser):  # type: ignore[misc]  # waitress ships no type hints
    """waitress's parser, refusing the framings above (a ParsingError becomes 400 with ``Connection: close``)."""

    def parse_header(self, header_plus: bytes) -> None:
        names = _field_names(header_plus)
        if b"transfer-encoding" in names and b"content-length" in names:  # before waitress looks at the codings
            self._refuse("both Transfer-Encoding and Content-Length; the framing is ambiguous")
        super().parse_header(header_plus)
        if "TRANSFER_ENCODING" in self.headers:  # waitress leaves it in place only when the request is not HTTP/1.1
            self._refuse(f"Transfer-Encoding in an HTTP/{self.version} request; the framing is faulty")

    def _refuse(self, reason: str) -> None:
        self.headers.pop("CONNECTION", None)  # the answer closes; it must not also say keep-alive
        raise ParsingError(reason)


def _field_names(header_plus: bytes) -> set[bytes]:
    """The header field names of a request head, lower case (the lines waitress would read)."""
    _, _, fields = header_plus.partition(b"\r\n")
    found = set()
    for line in get_header_lines(fields) if fields else []:
        match = HEADER_FIELD_RE.match(line)
        if match:
            found.add(match.group("name").lower())
    return found


class StrictChannel(HTTPChannel):  # type: ignore[misc]
    """A waitress connection that parses with :class:`StrictParser`."""

    parser_class: Any = StrictParser
