from django.contrib import admin

from budgetapp.audit.admin_audit import AuditedAdminMixin

from .models import Category, Framework


class CategoryInline(admin.TabularInline):
    model = Category
    extra = 0
    fields = ["parent", "name", "order"]


@admin.register(Framework)
class FrameworkAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name"]
    inlines = [CategoryInline]


@admin.register(Category)
class CategoryAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "parent", "framework", "order"]
    list_filter = ["framework", "parent"]
    search_fields = ["name"]
