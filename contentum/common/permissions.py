from rest_framework.permissions import BasePermission


class IsAdmin(BasePermission):
    message = "Действие доступно только администратору."

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.is_admin)
