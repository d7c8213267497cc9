"""Chinese names for the third-party apps and models the Django admin lists.

django-tasks-db, django-axes and django-otp ship no Simplified Chinese, so the admin showed
"Tasks Database Backend · Task Results", "Access attempts" and "TOTP devices" among our own
Chinese names (issue 15; WCAG 3.1.2: the page's language is zh-CN). Their names are set once at
start-up (CoreConfig.ready). Only the display names change: migrations read a model's declared
Meta (`_meta.original_attrs`) and a field's declared arguments, so nothing here makes one.
"""

from __future__ import annotations

from django.apps import apps

# app module → (app name, {model name → (singular, plural, {field name → label})})
NAMES: dict[str, tuple[str, dict[str, tuple[str, str, dict[str, str]]]]] = {
    "django_tasks_db": (
        "后台任务",
        {
            "dbtaskresult": (
                "后台任务记录",
                "后台任务记录",
                {
                    "status": "状态",
                    "enqueued_at": "排队时间",
                    "started_at": "开始时间",
                    "finished_at": "完成时间",
                    "args_kwargs": "参数",
                    "priority": "优先级",
                    "task_path": "任务",
                    "worker_ids": "执行进程",
                    "queue_name": "队列",
                    "backend_name": "后端",
                    "run_after": "最早执行时间",
                    "return_value": "返回值",
                    "exception_class_path": "异常类型",
                    "traceback": "出错位置",
                },
            ),
        },
    ),
    "axes": (
        "登录失败与锁定",
        {
            "accessattempt": (
                "登录失败记录",
                "登录失败记录",
                {
                    "user_agent": "浏览器标识",
                    "ip_address": "IP 地址",
                    "username": "用户名",
                    "http_accept": "HTTP Accept 头",
                    "path_info": "路径",
                    "attempt_time": "时间",
                    "get_data": "GET 数据",
                    "post_data": "POST 数据",
                    "failures_since_start": "失败次数",
                },
            ),
            "accessfailurelog": (
                "登录失败日志",
                "登录失败日志",
                {
                    "user_agent": "浏览器标识",
                    "ip_address": "IP 地址",
                    "username": "用户名",
                    "http_accept": "HTTP Accept 头",
                    "path_info": "路径",
                    "attempt_time": "时间",
                    "locked_out": "已锁定",
                },
            ),
            "accesslog": (
                "登录日志",
                "登录日志",
                {
                    "user_agent": "浏览器标识",
                    "ip_address": "IP 地址",
                    "username": "用户名",
                    "http_accept": "HTTP Accept 头",
                    "path_info": "路径",
                    "attempt_time": "登录时间",
                    "logout_time": "退出时间",
                    "session_hash": "会话标识（SHA-256）",
                },
            ),
            "accessattemptexpiration": ("登录失败记录有效期", "登录失败记录有效期", {}),
        },
    ),
    "django_otp.plugins.otp_totp": (
        "两步验证：身份验证器",
        {"totpdevice": ("身份验证器", "身份验证器", {"user": "用户", "name": "名称"})},
    ),
    "django_otp.plugins.otp_static": (
        "两步验证：备用码",
        {
            "staticdevice": ("备用码组", "备用码组", {"user": "用户", "name": "名称"}),
            "statictoken": ("备用码", "备用码", {}),
        },
    ),
}


def name_third_party_models() -> None:
    """Give the listed apps, models and fields their Chinese display names."""
    configs = {config.name: config for config in apps.get_app_configs()}
    for module, (app_name, models) in NAMES.items():
        config = configs.get(module)
        if config is None:
            continue
        config.verbose_name = app_name
        for model_name, (singular, plural, fields) in models.items():
            model = config.get_model(model_name)
            model._meta.verbose_name = singular
            model._meta.verbose_name_plural = plural
            for field_name, field_label in fields.items():
                model._meta.get_field(field_name).verbose_name = field_label
