"""Settings of the design domain (formats, brand kits), read from the environment.

Uploads arrive in one multipart body, bounded as a whole by MAX_UPLOAD_BODY_BYTES (16 MiB by
default) before these limits are checked.
"""

from contentum.settings.environment import env

# A brand kit's logo: PNG or WebP, not animated, at most this many bytes and pixels a side.
DESIGN_LOGO_MAX_BYTES = env.int("DESIGN_LOGO_MAX_BYTES", default=2_000_000)
DESIGN_LOGO_MAX_SIDE = env.int("DESIGN_LOGO_MAX_SIDE", default=2048)
# An uploaded title or body font (TrueType/OpenType with Cyrillic).
DESIGN_FONT_MAX_BYTES = env.int("DESIGN_FONT_MAX_BYTES", default=5_000_000)

# A background is regenerated (its prompt stating the brand colours more strongly) when
# fewer of its pixels than this share lie within ΔE2000 ≤ 20 of the brand kit's colours.
DESIGN_PALETTE_MIN_SHARE = env.float("DESIGN_PALETTE_MIN_SHARE", default=0.15)
# A dotted path to a `contentum.design.engine.Upscaler` class (a model-based one, say) that
# scales the provider's image up to the format; empty: the built-in Lanczos with a crop
# around the picture's centre of interest.
DESIGN_UPSCALER = env("DESIGN_UPSCALER", default="")
