"""API clients with tokens (SECURITY.md "Authentication and sessions", ASVS 3.5): the JWT
login and refresh, tokens carrying the account's session generation, every token failure a
401 with a Russian message."""
from flask import jsonify, request
from flask_appbuilder.api import safe
from flask_appbuilder.security.api import SecurityApi as FabSecurityApi
from flask_appbuilder.security.schemas import login_post
from flask_appbuilder.views import expose
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError

from .sessions import generation_of

GENERATION_CLAIM = "gen"
TOKEN_REFUSED = _l("Требуется вход: токен доступа отсутствует, неверен, истёк или отозван.")
BAD_CREDENTIALS = _l("Неверный логин или пароль.")
BAD_LOGIN_BODY = _l("Ожидается JSON-объект с полями username, password, provider (db) "
                    "и необязательным refresh.")


def token_refused(*_args):
    """Every JWT failure (missing, malformed, wrong signature, expired, wrong type, revoked,
    ended account): 401, not flask-jwt-extended's 422."""
    return jsonify(message=str(TOKEN_REFUSED)), 401


def configure_jwt(jwt_manager) -> None:
    for register in (jwt_manager.invalid_token_loader, jwt_manager.unauthorized_loader,
                     jwt_manager.expired_token_loader, jwt_manager.revoked_token_loader,
                     jwt_manager.user_lookup_error_loader,
                     jwt_manager.needs_fresh_token_loader,
                     jwt_manager.token_verification_failed_loader):
        register(token_refused)

    @jwt_manager.additional_claims_loader
    def session_generation(identity):
        try:
            return {GENERATION_CLAIM: generation_of(int(identity))}
        except (TypeError, ValueError):
            return {}


class SecurityApi(FabSecurityApi):
    """FAB's security API (same name, so its endpoints and permissions stay) with a login
    whose answers match its documented schema."""

    @expose("/login", methods=["POST"])
    @safe
    def login(self):
        """Log in and get a JWT access token (and a refresh token with refresh: true).
        ---
        post:
          summary: Вход для клиентов API
          requestBody:
            required: true
            content:
              application/json:
                schema:
                  type: object
                  required: [username, password, provider]
                  properties:
                    username: {type: string, minLength: 1}
                    password: {type: string, minLength: 1}
                    provider: {type: string, enum: [db]}
                    refresh: {type: boolean}
          responses:
            200:
              description: Токены выданы
              content:
                application/json:
                  schema:
                    type: object
                    properties:
                      access_token: {type: string}
                      refresh_token: {type: string}
            400:
              $ref: '#/components/responses/400'
            401:
              $ref: '#/components/responses/401'
            429:
              description: Слишком много попыток входа
              content:
                application/json:
                  schema:
                    type: object
                    properties:
                      message: {type: string}
        """
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return self.response_400(message=str(BAD_LOGIN_BODY))
        try:
            login_post.load(body)
        except ValidationError:
            return self.response_400(message=str(BAD_LOGIN_BODY))
        if body.get("provider") != "db":
            return self.response_400(message=str(BAD_LOGIN_BODY))
        response = super().login()
        if response.status_code == 401:
            return self.response(401, message=str(BAD_CREDENTIALS))
        return response
