"""Runs the test provider: `python -m tests.oidc_provider.serve DB_FILE`.

Binds a free port on 127.0.0.1 first, so settings can name the issuer, creates the
database, then prints "listening on <url>" and serves until stopped."""

import os
import sys
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer


class Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


def main() -> None:
    server = Server(("127.0.0.1", 0), QuietHandler)
    url = f"http://127.0.0.1:{server.server_port}"
    os.environ["OIDC_TEST_PROVIDER_URL"] = url
    os.environ["OIDC_TEST_PROVIDER_DB"] = sys.argv[1]
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.oidc_provider.settings"

    import django
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application

    django.setup()
    call_command("migrate", run_syncdb=True, verbosity=0)
    server.set_app(get_wsgi_application())
    server.setup_environ()
    print(f"listening on {url}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
