"""How hard the property tests try: small in the default run, `JCM_FUZZ_EXAMPLES=N` for a long run."""
from __future__ import annotations

import os
from datetime import timedelta

from hypothesis import HealthCheck, settings

LONG_RUN = int(os.environ.get("JCM_FUZZ_EXAMPLES") or 0)


def fuzz(examples: int, seconds: float = 2.0) -> settings:
    """`examples` per test by default (JCM_FUZZ_EXAMPLES overrides), each within `seconds`."""
    return settings(
        max_examples=LONG_RUN or examples,
        deadline=timedelta(seconds=seconds),
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
