"""A warm authorizer's cost of one Cognito ID token: signature (RS256) and claims, with the
pool's JWKS already fetched (as after the first request of a container). Target: < 1 ms."""
from __future__ import annotations

import statistics
import time

from bench.common import heading, use_lambda_env, use_paths, verdict

RUNS = 2000
TARGET_MS = 1.0


def main() -> None:
    use_paths()
    use_lambda_env()
    from joserfc import jwt
    from joserfc.jwk import KeySet, RSAKey
    from vroegsignaal.adapters.jwks import IdTokenVerifier, UserPool

    heading(f"Warm ID token verification (RS256 + claims, JWKS cached; median of {RUNS}; target < {TARGET_MS:g} ms)")
    key = RSAKey.generate_key(2048, parameters={"kid": "bench"})
    pool = UserPool("eu-west-1", "eu-west-1_Bench", "web")
    verifier = IdTokenVerifier(pool, fetch=lambda url: KeySet.import_key_set({"keys": [key.as_dict(private=False)]}))
    now = int(time.time())
    token = jwt.encode({"alg": "RS256", "kid": "bench"}, {
        "iss": pool.issuer, "aud": pool.client_id, "token_use": "id", "sub": "bench-user", "name": "Bench",
        "cognito:groups": ["GM0632:consulent"], "iat": now, "exp": now + 3600}, key)
    assert verifier.claims(token) is not None   # warm: the keys are fetched here
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        verifier.claims(token)
        timings.append(time.perf_counter() - started)
    median_ms = statistics.median(timings) * 1000
    p99_ms = sorted(timings)[int(RUNS * 0.99)] * 1000
    print(f"{'verify one ID token':28} {median_ms:7.3f} ms   p99 {p99_ms:.3f} ms   {verdict(median_ms, TARGET_MS)}")


if __name__ == "__main__":
    main()
