"""Views of the reports app, by concept: ``workspace`` (drafting and review), ``publication``
(scheduling, go-live, corrections, withdrawal) and ``public`` (what the public reads)."""
