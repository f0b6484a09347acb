"""The shared layer's one model, kept in a module of its own (cxlean/core/branding.py)."""

from cxlean.core.branding import Branding

__all__ = ["Branding"]
