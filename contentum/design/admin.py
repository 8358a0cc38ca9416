from django import forms
from django.contrib import admin
from django.utils.html import format_html, format_html_join

from contentum.common.admin import ModelAdmin, RussianNoun
from contentum.common.exceptions import ApplicationError
from contentum.design import services, validation
from contentum.design.engine import SHIPPED_FAMILIES
from contentum.design.models import BrandKit, Format


def _add_errors(form: forms.ModelForm, errors: dict[str, list[str]]) -> None:
    """A service's errors on the form: "colors.0.hex" belongs to the `colors` field."""
    for key, messages in errors.items():
        field = key.split(".", 1)[0]
        target = field if field in form.fields and field not in form.errors else None
        for message in messages:
            form.add_error(target, message)


class FormatForm(forms.ModelForm):
    """The service's checks (sizes, a safe zone that leaves room, the key) as form errors."""

    class Meta:
        model = Format
        fields = ["key", *validation.FORMAT_FIELDS]

    def clean(self) -> dict:
        cleaned = super().clean()
        if self.errors:
            return cleaned
        values = {field: cleaned.get(field) for field in validation.FORMAT_FIELDS}
        values["key"] = cleaned.get("key", self.instance.key)
        _add_errors(self, validation.format_problems(values))
        return cleaned


# Deletions go through the services (a format in use is refused, a kit's files are removed),
# which audit them as `format.deleted` / `brand_kit.deleted`: one row per deletion.


@admin.register(Format)
class FormatAdmin(ModelAdmin):
    noun = RussianNoun("формат", "формата", "форматов", "форматы")
    form = FormatForm
    list_display = [
        "name",
        "key",
        "platform",
        "size",
        "aspect_ratio",
        "safe_zone",
        "is_active",
        "sort_order",
    ]
    list_filter = ["platform", "is_active"]
    search_fields = ["name", "key"]
    ordering = ["sort_order", "key"]
    readonly_fields = ["created_at", "updated_at"]

    def get_readonly_fields(self, request, obj=None) -> list[str]:
        # Records and clients refer to a format by its key: it is fixed once created.
        return [*self.readonly_fields, "key"] if obj else self.readonly_fields

    @admin.display(description="размер, px")
    def size(self, obj: Format) -> str:
        return f"{obj.width}×{obj.height}"

    @admin.display(description="пропорции")
    def aspect_ratio(self, obj: Format) -> str:
        return obj.aspect_ratio

    @admin.display(description="безопасная зона, % (сверху, справа, снизу, слева)")
    def safe_zone(self, obj: Format) -> str:
        return " / ".join(f"{getattr(obj, field):g}" for field in validation.SAFE_LABELS)

    def save_model(self, request, obj, form, change) -> None:
        # Through the services: the same checks as the API, and an audit row.
        values = {field: form.cleaned_data[field] for field in validation.FORMAT_FIELDS}
        if change:
            saved = services.format_update(
                actor=request.user, fmt=Format.objects.get(pk=obj.pk), changes=values
            )
        else:
            saved = services.format_create(
                actor=request.user, key=form.cleaned_data["key"], **values
            )
        obj.pk = saved.pk

    def delete_model(self, request, obj) -> None:
        services.format_delete(actor=request.user, fmt=obj)

    def delete_queryset(self, request, queryset) -> None:
        for fmt in queryset:
            services.format_delete(actor=request.user, fmt=fmt)


class BrandKitForm(forms.ModelForm):
    """The service's checks (colours, fonts with Cyrillic, the logo) as form errors."""

    title_font = forms.ChoiceField(label="шрифт заголовка")
    body_font = forms.ChoiceField(label="шрифт текста")

    class Meta:
        model = BrandKit
        fields = [*validation.KIT_FIELDS, *validation.FILE_FIELDS]
        widgets = {"colors": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "colors": '[{"hex": "#1a2b3c", "role": "primary"}, …]; роли: primary, accent, text.',
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        families = [(key, info.name) for key, info in sorted(SHIPPED_FAMILIES.items())]
        self.fields["title_font"].choices = families
        self.fields["body_font"].choices = families
        self.uploads: dict = {}

    def clean(self) -> dict:
        cleaned = super().clean()
        if self.errors:
            return cleaned
        values = {field: cleaned.get(field) for field in validation.KIT_FIELDS}
        values["colors"] = values["colors"] or []  # an empty box: no colours
        # A new file is an upload; the "clear" box gives False: the file is removed.
        self.uploads = {
            field: cleaned.get(field) or None
            for field in validation.FILE_FIELDS
            if field in self.changed_data
        }
        try:
            validation.brand_kit_check(
                values=values, uploads=self.uploads, exclude=self.instance.pk
            )
        except ApplicationError as exc:
            _add_errors(self, exc.errors or {"__all__": [exc.message]})
        return cleaned


@admin.register(BrandKit)
class BrandKitAdmin(ModelAdmin):
    noun = RussianNoun("фирменный стиль", "фирменных стиля", "фирменных стилей", "фирменные стили")
    form = BrandKitForm
    list_display = [
        "name",
        "is_active",
        "palette",
        "title_font",
        "body_font",
        "has_logo",
        "updated_at",
    ]
    list_filter = ["is_active"]
    search_fields = ["name", "style_words"]
    readonly_fields = ["is_active", "created_at", "updated_at"]
    actions = ["activate"]

    @admin.display(description="цвета")
    def palette(self, obj: BrandKit) -> str:
        return format_html_join(
            " ",
            '<span title="{} ({})" style="display:inline-block;width:1.2em;height:1.2em;'
            'border:1px solid #999;background:{}"></span>',
            ((c["hex"], c["role"], c["hex"]) for c in obj.colors),
        ) or format_html("—")

    @admin.display(description="логотип", boolean=True)
    def has_logo(self, obj: BrandKit) -> bool:
        return bool(obj.logo)

    @admin.action(description="Сделать активным")
    def activate(self, request, queryset) -> None:
        if queryset.count() != 1:
            self.message_user(request, "Выберите ровно один фирменный стиль.", level="error")
            return
        services.brand_kit_activate(actor=request.user, kit=queryset.get())

    def save_model(self, request, obj, form, change) -> None:
        # Through the services: the files are checked, stored and audited as by the API.
        values = {field: form.cleaned_data[field] for field in validation.KIT_FIELDS}
        values["colors"] = values["colors"] or []
        if change:
            saved = services.brand_kit_update(
                actor=request.user,
                kit=BrandKit.objects.get(pk=obj.pk),
                changes={**values, **form.uploads},
            )
        else:
            saved = services.brand_kit_create(actor=request.user, **values, **form.uploads)
        obj.pk = saved.pk

    def delete_model(self, request, obj) -> None:
        services.brand_kit_delete(actor=request.user, kit=obj)

    def delete_queryset(self, request, queryset) -> None:
        for kit in queryset:
            services.brand_kit_delete(actor=request.user, kit=kit)
