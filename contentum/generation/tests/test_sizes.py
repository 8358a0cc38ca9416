import pytest

from contentum.generation.sizes import (
    ASPECT_RATIOS,
    ImageSize,
    UnsupportedSize,
    size_for_ratio,
    validate_size,
)


@pytest.mark.parametrize(
    ("ratio", "size"),
    [
        ("1:1", ImageSize(1024, 1024)),
        ("9:16", ImageSize(576, 1024)),
        ("16:9", ImageSize(1024, 576)),
        ("4:5", ImageSize(768, 960)),
        ("2:3", ImageSize(640, 960)),
    ],
)
def test_each_questionnaire_ratio_has_its_size(ratio, size):
    assert size_for_ratio(ratio) == size


def test_every_size_is_exact_in_its_ratio_and_acceptable_to_kandinsky():
    for ratio, size in ASPECT_RATIOS.items():
        wide, high = (int(part) for part in ratio.split(":"))
        assert size.width * high == size.height * wide, ratio
        assert validate_size(width=size.width, height=size.height) == size


def test_ratio_with_spaces_is_understood():
    assert size_for_ratio(" 16 : 9 ") == ImageSize(1024, 576)


def test_unsupported_ratio_is_refused_in_russian_with_the_choices():
    with pytest.raises(UnsupportedSize) as caught:
        size_for_ratio("21:9")
    assert "не поддерживается" in caught.value.message
    assert "1:1, 9:16, 16:9, 4:5, 2:3" in caught.value.message
    assert caught.value.status_code == 400


@pytest.mark.parametrize(("width", "height"), [(64, 64), (1024, 64), (512, 768)])
def test_sizes_within_limits_in_steps_of_64_are_accepted(width, height):
    assert validate_size(width=width, height=height) == ImageSize(width, height)


@pytest.mark.parametrize(
    ("width", "height", "named"),
    [(1000, 1024, "ширина 1000"), (1024, 1088, "высота 1088"), (0, 512, "ширина 0")],
)
def test_sizes_off_the_grid_or_too_big_are_refused_naming_the_side(width, height, named):
    with pytest.raises(UnsupportedSize) as caught:
        validate_size(width=width, height=height)
    assert named in caught.value.message
    assert "кратна 64" in caught.value.message
