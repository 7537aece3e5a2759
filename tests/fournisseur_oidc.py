"""A fake OpenID Connect provider (what Keycloak, ADFS or LemonLDAP::NG are to the Region), in a
thread of the test process, speaking real HTTP: token, userinfo and JWKS endpoints, identity
tokens signed RS256. The application talks to it exactly as to the real one."""

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

CLIENT_ID = "faire-administration"
CLIENT_SECRET = "secret-du-client"


def nouvelle_cle() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass
class Fournisseur:
    """What the provider will answer: the claims of the next login, the nonce it received at
    the authorisation step, and knobs to misbehave (wrong key, wrong audience)."""

    claims: dict[str, Any] = field(default_factory=dict)
    nonce: str = ""
    cle: rsa.RSAPrivateKey = field(default_factory=nouvelle_cle)
    cle_de_signature: rsa.RSAPrivateKey | None = None  # another key: a forged token
    audience: str = CLIENT_ID
    requetes_jeton: list[dict[str, list[str]]] = field(default_factory=list)
    adresse: str = ""

    def url(self, chemin: str) -> str:
        return f"{self.adresse}{chemin}"

    def jeton_identite(self) -> str:
        maintenant = int(time.time())
        return jwt.encode(
            {
                "iss": self.adresse,
                "sub": str(self.claims.get("sub") or "inconnu"),
                "aud": self.audience,
                "iat": maintenant,
                "exp": maintenant + 300,
                "nonce": self.nonce,
            },
            self.cle_de_signature or self.cle,
            algorithm="RS256",
            headers={"kid": "cle-1"},
        )

    def jwks(self) -> dict[str, Any]:
        cle = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.cle.public_key()))
        return {"keys": [{**cle, "kid": "cle-1", "alg": "RS256", "use": "sig"}]}


def _gestionnaire(fournisseur: Fournisseur) -> type[BaseHTTPRequestHandler]:
    class Gestionnaire(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # quiet
            pass

        def _json(self, donnees: dict[str, Any], statut: int = 200) -> None:
            corps = json.dumps(donnees).encode()
            self.send_response(statut)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(corps)))
            self.end_headers()
            self.wfile.write(corps)

        def do_POST(self) -> None:
            if self.path != "/token":
                return self._json({"error": "not_found"}, 404)
            longueur = int(self.headers.get("Content-Length", 0))
            formulaire = parse_qs(self.rfile.read(longueur).decode())
            fournisseur.requetes_jeton.append(formulaire)
            if formulaire.get("client_secret") != [CLIENT_SECRET]:
                return self._json({"error": "invalid_client"}, 401)
            self._json(
                {
                    "access_token": "jeton-d-acces",
                    "token_type": "Bearer",
                    "id_token": fournisseur.jeton_identite(),
                }
            )

        def do_GET(self) -> None:
            if self.path == "/jwks":
                return self._json(fournisseur.jwks())
            if self.path == "/userinfo":
                if self.headers.get("Authorization") != "Bearer jeton-d-acces":
                    return self._json({"error": "invalid_token"}, 401)
                return self._json(fournisseur.claims)
            self._json({"error": "not_found"}, 404)

    return Gestionnaire


class ServeurOidc:
    def __init__(self) -> None:
        self.fournisseur = Fournisseur()
        self.serveur = ThreadingHTTPServer(("127.0.0.1", 0), _gestionnaire(self.fournisseur))
        self.fournisseur.adresse = f"http://127.0.0.1:{self.serveur.server_address[1]}"
        self.fil = threading.Thread(target=self.serveur.serve_forever, daemon=True)

    def __enter__(self) -> Fournisseur:
        self.fil.start()
        return self.fournisseur

    def __exit__(self, *exc: object) -> None:
        self.serveur.shutdown()
        self.serveur.server_close()

    def reglages(self) -> dict[str, Any]:
        f = self.fournisseur
        return {
            "OIDC_RP_CLIENT_ID": CLIENT_ID,
            "OIDC_RP_CLIENT_SECRET": CLIENT_SECRET,
            "OIDC_OP_AUTHORIZATION_ENDPOINT": f.url("/authorize"),
            "OIDC_OP_TOKEN_ENDPOINT": f.url("/token"),
            "OIDC_OP_USER_ENDPOINT": f.url("/userinfo"),
            "OIDC_OP_JWKS_ENDPOINT": f.url("/jwks"),
        }
