"""The demo organisation's builders (`manage.py demo`): one module per area app.

This package sits on top of the apps: it imports them to build their demo data, and no
domain app imports it. `cxlean.demo.org` is the entry (`build_demo`); the other modules
build one area each and are called from it in order.
"""
