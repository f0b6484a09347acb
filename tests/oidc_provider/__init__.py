"""A small OpenID Connect provider for the single sign-on tests (django-oauth-toolkit).

Started once per test session as a subprocess on a free port (`serve.py`); the tests
create its people and client applications through its /testing/ endpoints
(`client.Provider`). Never part of cxlean itself.
"""
