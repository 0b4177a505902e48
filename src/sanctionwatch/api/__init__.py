"""The yente-compatible HTTP API (FastAPI). Build it with `api.app.create_app(settings)`.

Only `cli/serve.py` imports this package; it calls the screening and store services below.
"""
