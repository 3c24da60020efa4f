"""The web app on loopback for browser tests: web/ at `/`, `/config.json`, the API paths
proxied to the stack (same origin, so no CORS), and a stand-in for Cognito's InitiateAuth
and hosted sign-in whose ID tokens the proxy swaps for the municipality's key: for the
tests of what the local Cognito cannot show (an expired session, the hosted sign-in with
code + PKCE, two municipalities with two roles). The screen tests sign in as people of
the local stack's own Cognito (moto) on its own web app (app.sign_in_as).

The pages get the CloudFront response headers policy's CSP, so an inline script or
handler would be refused here as there.
"""
from __future__ import annotations

import base64
import contextlib
import hashlib
import http.client
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

from web import serving

ROOT = Path(__file__).resolve().parents[2]
API_PREFIXES = ("/municipalities/", "/signals", "/_local/")
COGNITO_PATH = "/_cognito/"
HOP_HEADERS = {"connection", "keep-alive", "transfer-encoding", "content-length", "server", "date"}


@dataclass
class Person:
    username: str
    password: str
    name: str
    memberships: list[dict]
    keys: dict[str, str]   # municipality code -> the key the proxy sends there for this person's token


def _b64(document: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(document).encode()).rstrip(b"=").decode()


def id_token(person: Person, lifetime_seconds: int = 3600) -> str:
    """A token shaped like Cognito's ID token (not signed: only this proxy reads it)."""
    claims = {"sub": f"sub-{person.username}", "cognito:username": person.username, "name": person.name,
              "token_use": "id", "exp": int(time.time()) + lifetime_seconds,
              "custom:memberships": json.dumps(person.memberships)}
    return f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}.c2ln"


@dataclass
class WebServer:
    api_base: str
    people: list[Person] = field(default_factory=list)
    port: int = 0
    tokens: dict[str, Person] = field(default_factory=dict)   # issued token -> person
    sign_ins: list[dict] = field(default_factory=list)     # InitiateAuth requests seen (without passwords)
    hosted_person: str = "fatima"                          # who the hosted sign-in (a federated IdP) signs in
    codes: dict[str, dict] = field(default_factory=dict)   # authorization code -> its request

    def start(self) -> "WebServer":
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet: the test output is for failures
                pass

            def do_GET(self):
                # The browser may go on to another page before the answer came.
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    server.handle(self)

            do_POST = do_PUT = do_PATCH = do_DELETE = do_GET

        self._httpd = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._httpd.daemon_threads = True
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="web-server", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # ------------------------------------------------------------------ requests

    def handle(self, request: BaseHTTPRequestHandler) -> None:
        path = urlsplit(request.path).path
        length = int(request.headers.get("Content-Length") or 0)
        body = request.rfile.read(length) if length else b""
        if path == "/config.json":
            self._send(request, 200, "application/json", serving.config_document(api_url="", cognito={
                "region": "eu-west-1", "user_pool_id": "eu-west-1_test", "client_id": "web-test",
                "endpoint": self.url + COGNITO_PATH, "domain": self.url + "/_cognito"}))
        elif path == COGNITO_PATH and request.command == "POST":
            self._cognito(request, body)
        elif path == "/_cognito/oauth2/authorize":
            self._authorize(request)
        elif path == "/_cognito/oauth2/token" and request.command == "POST":
            self._token(request, body)
        elif path.startswith(API_PREFIXES):
            self._proxy(request, body)
        elif request.command == "GET":
            self._static(request, path)
        else:
            self._send(request, 405, "text/plain", b"method not allowed")

    def _static(self, request, path: str) -> None:
        found = serving.static_file(path)
        if found is None:
            self._send(request, 404, "text/plain", b"not found")
        else:
            self._send(request, 200, found.content_type, found.content, found.headers)

    def _cognito(self, request, body: bytes) -> None:
        document = json.loads(body or b"{}")
        target = request.headers.get("X-Amz-Target", "")
        parameters = document.get("AuthParameters") or {}
        self.sign_ins.append({"target": target, "flow": document.get("AuthFlow"), "client_id": document.get("ClientId"),
                              "username": parameters.get("USERNAME")})
        person = next((p for p in self.people if p.username == parameters.get("USERNAME")), None)
        if (target != "AWSCognitoIdentityProviderService.InitiateAuth" or document.get("AuthFlow") != "USER_PASSWORD_AUTH"
                or person is None or parameters.get("PASSWORD") != person.password):
            self._send(request, 400, "application/x-amz-json-1.1",
                       json.dumps({"__type": "NotAuthorizedException", "message": "Incorrect username or password."}).encode())
            return
        token = id_token(person)
        self.tokens[token] = person
        self._send(request, 200, "application/x-amz-json-1.1", json.dumps({"AuthenticationResult": {
            "IdToken": token, "AccessToken": "access", "ExpiresIn": 3600, "TokenType": "Bearer"}}).encode())

    def _authorize(self, request) -> None:
        """The hosted sign-in: the person signs in at their organisation and comes back with a code."""
        query = {name: values[0] for name, values in parse_qs(urlsplit(request.path).query).items()}
        code = secrets.token_urlsafe(16)
        self.codes[code] = query
        target = f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query.get('state', '')})}"
        request.send_response(302)
        request.send_header("Location", target)
        request.send_header("Content-Length", "0")
        request.end_headers()

    def _token(self, request, body: bytes) -> None:
        form = {name: values[0] for name, values in parse_qs(body.decode()).items()}
        asked = self.codes.pop(form.get("code", ""), None)
        challenge = base64.urlsafe_b64encode(hashlib.sha256(form.get("code_verifier", "").encode()).digest()).rstrip(b"=").decode()
        if (asked is None or form.get("grant_type") != "authorization_code" or asked.get("code_challenge") != challenge
                or asked.get("code_challenge_method") != "S256" or form.get("redirect_uri") != asked.get("redirect_uri")
                or form.get("client_id") != asked.get("client_id")):
            self._send(request, 400, "application/json", json.dumps({"error": "invalid_grant"}).encode())
            return
        person = next(p for p in self.people if p.username == self.hosted_person)
        token = id_token(person)
        self.tokens[token] = person
        self._send(request, 200, "application/json", json.dumps({
            "id_token": token, "access_token": "access", "expires_in": 3600, "token_type": "Bearer"}).encode())

    def _proxy(self, request, body: bytes) -> None:
        upstream = urlsplit(self.api_base)
        headers = {name: value for name, value in request.headers.items()
                   if name.lower() in ("authorization", "content-type", "accept")}
        bearer = headers.get("Authorization", "").removeprefix("Bearer ")
        if bearer in self.tokens:  # a person's token: the key of the municipality in the path
            parts = urlsplit(request.path).path.split("/")
            code = parts[2] if len(parts) > 2 and parts[1] == "municipalities" else ""
            headers["Authorization"] = f"Bearer {self.tokens[bearer].keys.get(code, 'no-key')}"
        connection = http.client.HTTPConnection(upstream.hostname, upstream.port, timeout=60)
        try:
            connection.request(request.command, request.path, body=body or None, headers=headers)
            response = connection.getresponse()
            content = response.read()
            kept = [(name, value) for name, value in response.getheaders() if name.lower() not in HOP_HEADERS]
        finally:
            connection.close()
        request.send_response(response.status)
        for name, value in kept:
            request.send_header(name, value)
        request.send_header("Content-Length", str(len(content)))
        request.end_headers()
        request.wfile.write(content)

    @staticmethod
    def _send(request, status: int, kind: str, content: bytes, headers: dict[str, str] | None = None) -> None:
        request.send_response(status)
        request.send_header("Content-Type", kind)
        request.send_header("Content-Length", str(len(content)))
        for name, value in (headers or serving.security_headers()).items():
            request.send_header(name, value)
        request.end_headers()
        request.wfile.write(content)


def demo_people(tenants: dict, password: str = "demo-wachtwoord") -> list[Person]:
    """A coordinator per demo municipality and one person of both (a regional team)."""
    keys = {m["code"]: m["api_key"] for m in tenants.get("municipalities", [])}
    people = [Person(f"coordinator-{code.lower()}", password, f"Coördinator {m['name']}",
                     [{"code": code, "role": "coordinator"}], {code: keys[code]})
              for code, m in ((m["code"], m) for m in tenants.get("municipalities", []))]
    people.append(Person("regio", password, "Regioteam", [{"code": code, "role": "consulent"} for code in keys], keys))
    return people


def main(argv: list[str] | None = None) -> int:
    """Try the app against a running local stack (`make serve`) before it serves web/ itself:
    python -m tests.browser.server --api http://127.0.0.1:3000"""
    import argparse

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--api", default="http://127.0.0.1:3000", help="the local stack's address")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--tenants", default=str(ROOT / "infra" / "tenants.demo.json"))
    arguments = parser.parse_args(argv)
    tenants = json.loads(Path(arguments.tenants).read_text(encoding="utf-8"))
    server = WebServer(api_base=arguments.api, people=demo_people(tenants), port=arguments.port).start()
    print(f"web app at {server.url}/ (API {arguments.api}); sign in as:")
    for person in server.people:
        roles = ", ".join(f"{m['code']} {m['role']}" for m in person.memberships)
        print(f"  {person.username:24} {person.password}   ({roles})")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
