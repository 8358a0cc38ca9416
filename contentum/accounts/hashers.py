from argon2.low_level import Type, hash_secret_raw
from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idPasswordHasher(Argon2PasswordHasher):
    """Argon2id at one of OWASP's equivalent minimum settings: 7 MiB, 5 passes, 1 lane.

    OWASP lists five settings as equally strong (46 MiB × 1 … 7 MiB × 5); on our hardware
    the smallest memory is the cheapest (13 ms a hash against 17 ms for 19 MiB × 2: it
    stays in cache). Django's default PBKDF2 (over a million iterations, ~0.2–0.5 s here)
    made every login and registration cost a whole core.
    Hashes made with other settings still verify and are upgraded on the next login.
    """

    algorithm = "argon2id-owasp"
    time_cost = 5
    memory_cost = 7168
    parallelism = 1


# What the portable build of the Argon2 library (PyPI's wheel) computes for b"password"
# salted with b"somesalt" at the setting above.
KNOWN_ANSWER = "b006af3954fd952b17e23795d993512da1f7c0a311a42e2e6064f0b694c0ec91"


def computes_the_known_answer() -> bool:
    """Whether the installed Argon2 library hashes as the portable build does, at our own
    setting: the opt-in `make argon2-native` builds it for the CPU at hand and keeps the
    build only if this holds (scripts/native_argon2.sh)."""
    hasher = Argon2idPasswordHasher()
    tag = hash_secret_raw(
        b"password",
        b"somesalt",
        time_cost=hasher.time_cost,
        memory_cost=hasher.memory_cost,
        parallelism=hasher.parallelism,
        hash_len=32,
        type=Type.ID,
        version=19,
    )
    return tag.hex() == KNOWN_ANSWER
