import sys, time, pyatspi
def walk(acc, depth=0, out=None):
    out = out if out is not None else []
    try:
        role = acc.getRoleName(); name = acc.name; desc = acc.description
    except Exception:
        return out
    text = ""
    try:
        t = acc.queryText(); text = t.getText(0, min(t.characterCount, 120))
    except Exception:
        pass
    if name or text or desc:
        out.append(f"{'  '*depth}{role}: name={name!r} desc={desc[:80]!r} text={text[:100]!r}")
    for i in range(acc.childCount):
        walk(acc.getChildAtIndex(i), depth + 1, out)
    return out
for _ in range(30):
    desk = pyatspi.Registry.getDesktop(0)
    apps = [desk.getChildAtIndex(i) for i in range(desk.childCount)]
    apps = [a for a in apps if a is not None and "lose" in (a.name or "") or (a and "python" in (a.name or "").lower())]
    if apps: break
    time.sleep(0.5)
for a in apps:
    print("APP", a.name)
    print("\n".join(walk(a)[:150]))
