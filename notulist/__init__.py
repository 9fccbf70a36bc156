"""Notulist: published meeting minutes as a cross-linked static archive."""
from .pipeline import Result, build, check, default_output
from .problems import BuildFailed, Problem

__version__ = "0.1.0"
__all__ = ["build", "check", "default_output", "Result", "BuildFailed", "Problem"]
