"""The production password hasher (the test settings use a fast one everywhere else)."""

from django.contrib.auth.hashers import Argon2PasswordHasher, check_password, make_password

from contentum.accounts.hashers import computes_the_known_answer

PRODUCTION = ["contentum.accounts.hashers.Argon2idPasswordHasher"]


def test_the_argon2_library_computes_the_known_answer_at_our_setting():
    """Whichever build is installed (PyPI's wheel, or `make argon2-native`'s) must compute
    what the portable one computes."""
    assert computes_the_known_answer()


def test_a_password_is_hashed_with_argon2id_at_owasps_setting(settings):
    settings.PASSWORD_HASHERS = PRODUCTION
    encoded = make_password("Correct-horse-9")
    assert encoded.startswith("argon2id-owasp$argon2id$v=19$m=7168,t=5,p=1$")
    assert check_password("Correct-horse-9", encoded)
    assert not check_password("Correct-horse-8", encoded)


def test_a_hash_made_with_djangos_argon2_settings_verifies_and_is_upgraded(settings):
    settings.PASSWORD_HASHERS = [*PRODUCTION, "django.contrib.auth.hashers.Argon2PasswordHasher"]
    old = Argon2PasswordHasher().encode("Correct-horse-9", "somesaltsomesalt")
    upgraded = []
    assert check_password("Correct-horse-9", old, setter=upgraded.append)
    assert upgraded == ["Correct-horse-9"]
