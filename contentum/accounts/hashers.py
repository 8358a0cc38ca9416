from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idPasswordHasher(Argon2PasswordHasher):
    """Argon2id at OWASP's recommended minimum (19 MiB, 2 passes, 1 lane): ~20 ms a hash.

    Django's default PBKDF2 (over a million iterations, ~0.2–0.5 s here) made every login
    and registration cost a whole core; this is as strong against cracking and ten times
    cheaper to serve. Older hashes still verify and are upgraded on the next login.
    """

    algorithm = "argon2id-owasp"
    time_cost = 2
    memory_cost = 19456
    parallelism = 1
