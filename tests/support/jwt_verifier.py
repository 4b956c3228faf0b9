#!/usr/bin/python3
"""An independent check of hook-server's tokens, done the way MediaMTX v1.20.1 does it.

Given only a JWKS URL (--jwks), it reads cases from stdin as a JSON list of
{"token", "action", "path"} and prints a JSON list of {"ok": bool, "error": str}, one per case.
It shares no code with hook-server: Debian's python3-jwt (PyJWT) with python3-cryptography fetch
the JWKS, pick the key by kid and verify ES256, exp, nbf, iss and aud with no leeway (MediaMTX sets
none); the permission check is MediaMTX's matchesPermission (internal/auth/manager.go):
  - the claim (--claim-key, default mediamtx_permissions) must be a list of objects holding only
    "action" and "path" (MediaMTX decodes it with unknown fields refused);
  - publish, read and playback match when the path is "", or "~regex" finds a match in the path
    (Go's MatchString is a search, so is re.search), or the path is equal;
  - any other action (api, metrics, pprof) matches on the action alone.
"""
import argparse
import json
import re
import sys

import jwt

ACTIONS = {"publish", "read", "playback", "api", "metrics", "pprof"}


def matches_permission(perms, action, path):
    for perm in perms:
        if perm["action"] != action:
            continue
        if action in ("publish", "read", "playback"):
            p = perm.get("path", "")
            if p == "":
                return True
            if p.startswith("~"):
                try:
                    if re.search(p[1:], path):
                        return True
                except re.error:
                    pass
            elif p == path:
                return True
        else:
            return True
    return False


def permissions(claims, key):
    if key not in claims:
        raise ValueError(f"claim '{key}' not found inside JWT")
    raw = claims[key]
    if isinstance(raw, str):
        raw = json.loads(raw)
    if not isinstance(raw, list):
        raise ValueError("permissions are not a list")
    for perm in raw:
        if not isinstance(perm, dict) or set(perm) - {"action", "path"} or perm.get("action") not in ACTIONS:
            raise ValueError(f"invalid permission {perm!r}")
    return raw


def check(client, args, case):
    token = case["token"]
    try:
        key = client.get_signing_key_from_jwt(token)
        claims = jwt.decode(
            token,
            key.key,
            algorithms=["ES256"],
            audience=args.audience,
            issuer=args.issuer,
            options={"require": ["exp"]},
        )
        perms = permissions(claims, args.claim_key)
        if not matches_permission(perms, case["action"], case.get("path", "")):
            return {"ok": False, "error": "user doesn't have permission to perform action"}
        return {"ok": True, "error": ""}
    except Exception as e:  # every refusal is a result, as MediaMTX answers 401
        return {"ok": False, "error": f"{type(e).__name__}: {e}"}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--jwks", required=True)
    ap.add_argument("--issuer", required=True)
    ap.add_argument("--audience", required=True)
    ap.add_argument("--claim-key", default="mediamtx_permissions")
    args = ap.parse_args()
    client = jwt.PyJWKClient(args.jwks, cache_keys=False)
    cases = json.load(sys.stdin)
    json.dump([check(client, args, c) for c in cases], sys.stdout)


if __name__ == "__main__":
    main()
