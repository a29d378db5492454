"""Who sends a response: the API itself, or a component in front of it (a load balancer, a CDN).

A catalog's `sender` names a component the registry describes, or a free one with its own name;
here both become one `Origin` that every output reads, so pages, transcripts and checks agree.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import registry
from .models import Catalog, Example, Sender

THE_API = "this API"


@dataclass(frozen=True)
class Origin:
    """The sender of a response, resolved against the registry and the catalog's server."""

    phrase: str
    """How sentences name it: 'this API', 'the AWS Application Load Balancer'."""
    component: str | None
    """The registry key of the component (None: the API, or a component the registry lacks)."""
    server: str | None
    """The `Server` header of its responses (None: it sends none)."""
    host: str
    """The host the client talks to."""
    reaches_client: bool
    """False when the response is only logged and no client ever receives it."""
    meaning: str | None
    """What the registry says the component means by the code (None: nothing)."""
    is_api: bool = False
    """Whether the API itself sends the response."""

    @property
    def label(self) -> str:
        """'this API', or the component 'in front of this API'."""
        return THE_API if self.is_api else f"{self.phrase} in front of this API"


def origin(catalog: Catalog, code: int, example: Example | None = None) -> Origin:
    """Who sends a code's responses, or one example's response (its own `sender` first)."""
    sender = example.sender if example is not None and example.sender else None
    return resolve(catalog, code, sender or catalog.codes[code].sender)


def resolve(catalog: Catalog, code: int, sender: Sender | None) -> Origin:
    """A `sender` of a code (None: the API) as the outputs show it."""
    if sender is None:
        return Origin(THE_API, None, catalog.server.software, catalog.server.host, True, None,
                      is_api=True)
    known = registry.components().get(sender.component or "")
    use = registry.vendor_use(code, known.key) if known else None
    # `check` refuses a sender that has neither a known component nor a name.
    phrase = sender.name or (known.phrase if known else str(sender.component))
    reaches = sender.reaches_client
    if reaches is None:
        reaches = use.reaches_client if use else True
    return Origin(
        phrase=phrase,
        component=known.key if known else None,
        server=sender.server or (known.server if known else None),
        host=sender.host or catalog.server.host,
        reaches_client=reaches,
        meaning=use.meaning if use else None,
    )


def unknown_component(sender: Sender | None) -> str | None:
    """The message for a `component` the registry does not describe (None: it does, or none)."""
    if sender is None or sender.component is None:
        return None
    known = registry.components()
    if sender.component in known:
        return None
    return (f"component {sender.component!r} is not in specgen's registry (known:"
            f" {', '.join(sorted(known))}); give a 'name' instead for another component")
