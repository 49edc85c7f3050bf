"""Demo staff: one or more users for every role. Password for all: see DEMO_PASSWORD."""

from django.contrib.auth.models import Group

from .models import Team, User
from .roles import Role, ensure_role_groups

DEMO_PASSWORD = "demo-pass-2026"

DEMO_USERS = [
    # username, full name, roles, team
    ("admin", "系统管理员 Admin", [Role.ADMIN], None),
    ("agent", "王芳 Wang Fang", [Role.AGENT], "Hotline"),
    ("agent2", "Li Wei 李伟", [Role.AGENT], "Hotline"),
    ("duty", "张伟 Zhang Wei", [Role.DUTY_MANAGER, Role.AGENT], "Hotline"),
    ("manager", "陈静 Chen Jing", [Role.SERVICE_MANAGER], None),
    ("engineer", "刘洋 Liu Yang", [Role.ENGINEER], "Field North"),
    ("engineer2", "Zhao Lei 赵磊", [Role.ENGINEER], "Field South"),
    ("callback", "孙丽 Sun Li", [Role.CALLBACK_SPECIALIST], "Hotline"),
    ("hr", "周敏 Zhou Min", [Role.HR], None),
]


def seed_demo(*, now, log) -> None:
    ensure_role_groups()
    teams = {name: Team.objects.get_or_create(name=name)[0] for name in ("Hotline", "Field North", "Field South")}
    users = {}
    for username, full_name, roles, team in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"full_name": full_name, "email": f"{username}@servicedesk.example", "team": teams.get(team)},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            if Role.ADMIN in roles:
                user.is_staff = True
                user.is_superuser = True
            user.save()
            user.groups.set(Group.objects.filter(name__in=roles))
        users[username] = user
    manager = users["manager"]
    for username in ("agent", "agent2", "duty", "engineer", "engineer2", "callback"):
        User.objects.filter(username=username, manager__isnull=True).update(manager=manager)
    Team.objects.filter(name="Hotline", lead__isnull=True).update(lead=users["duty"])
    log(f"staff: {len(DEMO_USERS)} demo users (password {DEMO_PASSWORD!r})")
