"""The provider's own pages: its token endpoint (which can spoil an ID token for the
refusal tests) and the /testing/ endpoints through which the tests set it up."""

import json
import time

from django.contrib.auth.models import User
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from jwcrypto import jwk, jwt
from oauth2_provider.models import Application
from oauth2_provider.settings import oauth2_settings
from oauth2_provider.views import TokenView as BaseTokenView

from tests.oidc_provider.models import Claims


def provider_key() -> jwk.JWK:
    return jwk.JWK.from_pem(oauth2_settings.OIDC_RSA_PRIVATE_KEY.encode())


def spoiled(id_token: str, how: str) -> str:
    """The same ID token, made wrong in one way a client must notice."""
    token = jwt.JWT(jwt=id_token)  # read without checking: the provider made it
    header = json.loads(token.token.objects["protected"])
    claims = json.loads(token.token.objects["payload"])
    key = provider_key()
    now = int(time.time())
    if how == "audience":
        claims["aud"] = "some-other-application"
    elif how == "issuer":
        claims["iss"] = "http://impostor.invalid/o"
    elif how == "expired":
        claims.update(iat=now - 7200, exp=now - 3600)
    elif how == "signature":
        key = jwk.JWK.generate(kty="RSA", size=2048)  # not the key the JWKS publishes
    remade = jwt.JWT(header=header, claims=claims)
    remade.make_signed_token(key)
    return remade.serialize()


class TokenView(BaseTokenView):
    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        if response.status_code != 200:
            return response
        body = json.loads(response.content)
        if "id_token" in body:
            token = jwt.JWT(jwt=body["id_token"])
            subject = json.loads(token.token.objects["payload"])["sub"]
            how = Claims.objects.filter(user_id=subject).values_list("spoil", flat=True).first()
            if how:
                body["id_token"] = spoiled(body["id_token"], how)
                response.content = json.dumps(body).encode()
        return response


@csrf_exempt
def person(request: HttpRequest) -> JsonResponse:
    """Create or change one of the provider's people."""
    data = json.loads(request.body)
    user, _ = User.objects.get_or_create(username=data["username"])
    user.email = data.get("email", user.email)
    user.first_name = data.get("first_name", user.first_name)
    user.last_name = data.get("last_name", user.last_name)
    user.is_active = data.get("active", True)
    if "password" in data:
        user.set_password(data["password"])
    user.save()
    Claims.objects.update_or_create(
        user=user, defaults={"data": data.get("claims", {}), "spoil": data.get("spoil", "")}
    )
    return JsonResponse({"sub": str(user.pk)})


@csrf_exempt
def client(request: HttpRequest) -> JsonResponse:
    """Register (or change) a client application: a confidential one with the
    authorization-code grant, signing its ID tokens with the provider's RSA key."""
    data = json.loads(request.body)
    Application.objects.filter(client_id=data["client_id"]).delete()
    Application.objects.create(
        name=data["client_id"],
        client_id=data["client_id"],
        client_secret=data["client_secret"],
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=" ".join(data["redirect_uris"]),
        post_logout_redirect_uris=" ".join(data.get("post_logout_redirect_uris", [])),
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,
    )
    return JsonResponse({"client_id": data["client_id"]})
