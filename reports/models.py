"""Reports, their revisions, workflow and publication. Built out in the drafting issue."""

from __future__ import annotations
