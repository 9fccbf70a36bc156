"""Stage 3, link: the one place where facts across meetings are computed — references,
approvals, the actions register, topics, backlinks, organisations, the search shards — into
one frozen Site for one audience. Pure.

May import: model, load's types (Config), the common leaves."""
from .site import Site, link

__all__ = ["Site", "link"]
