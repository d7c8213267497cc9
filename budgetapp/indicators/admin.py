from django.contrib import admin

from .models import Category, Framework


class CategoryInline(admin.TabularInline):
    model = Category
    extra = 0
    fields = ["parent", "name", "order"]


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    inlines = [CategoryInline]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "parent", "framework", "order"]
    list_filter = ["framework", "parent"]
    search_fields = ["name"]
