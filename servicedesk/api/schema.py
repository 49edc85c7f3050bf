"""How the OpenAPI schema describes our authentication (imported by ``ApiConfig.ready``)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "servicedesk.api.authentication.TokenAuthentication"
    name = "token"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token (sd_...), created in admin: Authorization: Bearer <token>.",
        }


class SessionScheme(OpenApiAuthenticationExtension):
    target_class = "servicedesk.api.authentication.SessionAuthentication"
    name = "session"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": "sessionid"}


# Every operation can answer with the one error body (servicedesk.api.errors); the schema says so,
# so a client generator (and schemathesis) knows what a 4xx looks like.
ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["status", "code", "message"],
            "properties": {
                "status": {"type": "integer"},
                "code": {"type": "string"},
                "message": {"type": "string"},
                "fields": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
            },
        }
    },
}
ERRORS = {
    "400": "The request is not valid (the fields say why).",
    "401": "No token, or one that is unknown, expired or revoked.",
    "403": "The caller's roles may not use this operation.",
    "404": "No such object, or one outside what the caller may see.",
    "405": "Method not allowed.",
    "409": "The object's state does not allow this (e.g. a refused status change).",
    "415": "The body is not JSON.",
    "429": "Too many requests for this token; retry after the Retry-After seconds.",
}


def add_error_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook: the Error component and its responses on every operation."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    reference = {"$ref": "#/components/schemas/Error"}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            codes = ["400", "401", "403", "404", "405", "429"]  # 404 on lists too: a stale cursor
            if method in ("post", "put", "patch"):
                codes += ["409", "415"]
            for code in codes:
                operation["responses"].setdefault(
                    code, {"description": ERRORS[code], "content": {"application/json": {"schema": reference}}}
                )
    return result
