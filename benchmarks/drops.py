"""What a benchmark runs on: the code tree, the generated drops (cached) and per-run copies.

- Code tree: the working tree as it is, or `--revision REV` exported with `git archive` into
  benchmarks/work/trees/<sha>/ and run through PYTHONPATH (the same virtualenv), so that a
  benchmark measures a known commit while others edit the checkout.
- Drops: `sti generate --scale S --seed N` into benchmarks/work/drops/<scale>-seed<N>-<key>/,
  key = the last commit that touched the generator (pipelines/generate, pipelines/contract),
  plus a hash of their uncommitted changes if any. A drop is reused while the key is the same;
  its generation figure (wall, RSS, size) is kept beside it.
- Per-run copies: a directory of hard links to the cached drop (no bytes copied), into which
  the one-new-file scenario writes its small batch.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

from measure import measure

REPO = Path(__file__).resolve().parents[1]
WORK = REPO / "benchmarks" / "work"
BIN = Path(sys.executable).parent
GENERATOR_PATHS = ("pipelines/generate", "pipelines/contract")
CODE_PATHS = ("pipelines", "dbt_project", "expectations")


def git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, check=True).stdout.strip()


@dataclass
class CodeTree:
    root: Path
    commit: str
    exported: bool  # True: `git archive` of `commit`; False: the working tree
    dirty: list[str] = field(default_factory=list)  # working tree only: uncommitted code paths

    def env(self, **extra: str) -> dict[str, str]:
        env = {**os.environ, **extra}
        env.pop("STI_BUILD_DB", None)
        if self.exported:
            env["PYTHONPATH"] = str(self.root)  # ahead of the editable install of the checkout
        return env

    def describe(self) -> str:
        if self.exported:
            return f"commit {self.commit[:10]} (exported with git archive; the checkout's edits not included)"
        if self.dirty:
            return f"working tree at {self.commit[:10]} with uncommitted changes in {len(self.dirty)} code files"
        return f"working tree at {self.commit[:10]} (clean)"


def code_tree(revision: str | None) -> CodeTree:
    commit = git("rev-parse", revision or "HEAD")
    if revision is None:
        status = git("status", "--porcelain", "--", *CODE_PATHS)
        dirty = sorted(line[3:] for line in status.splitlines() if line.strip())
        return CodeTree(REPO, commit, exported=False, dirty=dirty)
    root = WORK / "trees" / commit[:12]
    if not (root / ".complete").exists():
        shutil.rmtree(root, ignore_errors=True)
        root.mkdir(parents=True)
        archive = subprocess.run(["git", "archive", commit, *CODE_PATHS, "pyproject.toml"], cwd=REPO,
                                 capture_output=True, check=True).stdout  # fmt: skip
        subprocess.run(["tar", "-x", "-C", str(root)], input=archive, check=True)
        (root / ".complete").write_text(commit)
    return CodeTree(root, commit, exported=True)


def prepare(tree: CodeTree) -> dict:
    """Parse the dbt project once (not a figure: a deployment ships its manifest), and fill the project's
    column-metadata cache with one refresh of the committed sample (not a figure either: a deployment's
    is filled by its first refresh, so the first measured run is not the only one that works it out)."""
    code = "from pipelines.project import ensure_manifest; ensure_manifest()"
    m = measure([sys.executable, "-c", code], cwd=tree.root, env=tree.env(), log=WORK / "prepare.log")
    if m.exit_code != 0:
        raise SystemExit(f"dbt parse in {tree.root} failed:\n{m.stdout_tail}")
    figures = {"dbt_parse_s": m.wall_s}
    if not (tree.root / "dbt_project" / "target" / "sti_column_metadata.json").exists():
        scratch = WORK / "warm-up"
        shutil.rmtree(scratch, ignore_errors=True)
        command = [str(BIN / "sti"), "refresh", "--sources", str(REPO / "sources" / "sample"),
                   "--warehouse", str(scratch / "warehouse")]  # fmt: skip
        w = measure(command, cwd=tree.root, env=tree.env(DAGSTER_HOME=str(scratch / "dagster")),
                    log=WORK / "warm-up.log")  # fmt: skip
        shutil.rmtree(scratch, ignore_errors=True)
        if w.exit_code != 0:
            raise SystemExit(f"the warm-up refresh of the sample in {tree.root} failed:\n{w.stdout_tail}")
        figures["warm_up_s"] = w.wall_s
    return figures


def generator_key() -> str:
    commit = git("log", "-1", "--format=%h", "--", *GENERATOR_PATHS)
    diff = git("diff", "HEAD", "--", *GENERATOR_PATHS)
    untracked = git("ls-files", "--others", "--exclude-standard", "--", *GENERATOR_PATHS)
    if not diff and not untracked:
        return commit
    digest = hashlib.sha256(diff.encode())
    for rel in sorted(untracked.splitlines()):
        digest.update(rel.encode() + (REPO / rel).read_bytes())
    return f"{commit}-dirty{digest.hexdigest()[:8]}"


def drop_summary(drop: Path) -> dict:
    per_source: dict[str, dict] = {}
    for p in sorted(drop.rglob("*")):
        rel = p.relative_to(drop)
        if not p.is_file() or len(rel.parts) < 2 or p.name.startswith("."):
            continue
        s = per_source.setdefault(rel.parts[0], {"files": 0, "mb": 0.0})
        s["files"] += 1
        s["mb"] += p.stat().st_size / 1e6
    for s in per_source.values():
        s["mb"] = round(s["mb"], 1)
    return {
        "files": sum(s["files"] for s in per_source.values()),
        "mb": round(sum(s["mb"] for s in per_source.values()), 1),
        "per_source": per_source,
    }


def generated_drop(
    scale: str, seed: int, tree: CodeTree, force: bool = False, generator: str | None = None
) -> tuple[Path, dict]:
    """The cached drop of (scale, seed, generator) and its record: generation figure, size, rows, repairs.

    The record is kept beside the drop (`<drop>.json`), not inside it: a file at the top of a
    drop is reported by the refresh.
    """
    key = generator or generator_key()
    drop = WORK / "drops" / f"{scale}-seed{seed}-{key}"
    if generator and not drop.with_name(drop.name + ".json").exists():
        raise SystemExit(f"no cached drop {drop.relative_to(REPO)} of generator {generator}")
    record_path = drop.with_name(drop.name + ".json")
    old_place = drop / ".bench-drop.json"
    if old_place.exists() and not record_path.exists():
        old_place.rename(record_path)
    if record_path.exists() and not force:
        print(f"using the cached drop {drop.relative_to(REPO)}", flush=True)
        record = json.loads(record_path.read_text(encoding="utf-8"))
    else:
        shutil.rmtree(drop, ignore_errors=True)
        drop.parent.mkdir(parents=True, exist_ok=True)
        print(f"generating {drop.relative_to(REPO)} ...", flush=True)
        command = [BIN / "sti", "generate", "--scale", scale, "--out", drop, "--seed", str(seed)]
        m = measure(command, cwd=tree.root, env=tree.env(), log=WORK / f"generate-{scale}.log")
        if m.exit_code != 0:
            raise SystemExit(f"sti generate failed:\n{m.stdout_tail}")
        record = {
            "command": f"sti generate --scale {scale} --out benchmarks/work/drops/{drop.name} --seed {seed}",
            "generator": key,
            "generate": asdict(m),
            "summary": drop_summary(drop),
            "truth": (drop / "expected_indicators.csv").exists(),
            "rows": _rows_from_log(m.stdout_tail),
        }
        print(f"  {m.wall_s:.0f} s, {record['summary']['mb']} MB", flush=True)
    if "repaired" not in record:
        record["repaired"] = repair_duplicate_keys(drop)
        for rel, n in record["repaired"].items():
            print(f"  repaired {rel}: {n} row(s) repeating a key of the same file removed", flush=True)
    record_path.write_text(json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8")
    return drop, record


# Sources keyed by a generated name: at province scale and above the generator's synthetic
# names collide, so a file can repeat a key, which the refresh rightly rejects (duplicate_key).
NAME_KEYED = {"innovation_platforms": ("平台名称", "platform_name"), "incubators": ("载体名称", "carrier_name")}
LEVEL_HEADERS = ("级别", "level")


def repair_duplicate_keys(drop: Path) -> dict[str, int]:
    """Remove the rows of a file that repeat an earlier row's (name, 级别) key in the same file.

    A workaround for a generator defect, so that the benchmark measures a drop the refresh
    accepts; every other byte of the file stays as written. Returns {file: rows removed}.
    """
    removed: dict[str, int] = {}
    for source, names in NAME_KEYED.items():
        for path in sorted((drop / source).glob("*.csv")):
            raw = path.read_bytes()
            bom = raw.startswith(b"\xef\xbb\xbf")
            body = raw[3:] if bom else raw
            try:
                body.decode("utf-8")
                encoding = "utf-8"
            except UnicodeDecodeError:
                encoding = "gb18030"
            lines = body.split(b"\n")  # 0x0A is never part of a UTF-8 or GB18030 multi-byte character
            header = next(csv.reader([lines[0].decode(encoding).rstrip("\r")]))
            cols = [h.strip() for h in header]
            name_at = next((cols.index(h) for h in names if h in cols), None)
            level_at = next((cols.index(h) for h in LEVEL_HEADERS if h in cols), None)
            if name_at is None or level_at is None:
                continue
            seen: set[tuple[str, str]] = set()
            kept = [lines[0]]
            dropped = 0
            for line in lines[1:]:
                text = line.decode(encoding).rstrip("\r")
                if not text:
                    kept.append(line)
                    continue
                row = next(csv.reader([text]))
                name = row[name_at].strip().replace("（", "(").replace("）", ")")
                key = (name, row[level_at].strip())
                if key in seen:
                    dropped += 1
                    continue
                seen.add(key)
                kept.append(line)
            if dropped:
                path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + b"\n".join(kept))
                removed[f"{source}/{path.name}"] = dropped
    return removed


def _rows_from_log(text: str) -> dict[str, int]:
    rows = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[2] == "rows" and parts[1].replace(",", "").isdigit():
            rows[parts[0]] = int(parts[1].replace(",", ""))
    return rows


def linked_copy(drop: Path, dest: Path) -> Path:
    """A copy of `drop` made of hard links (the sources only, not the ground truth)."""
    shutil.rmtree(dest, ignore_errors=True)
    for src in drop.rglob("*"):
        rel = src.relative_to(drop)
        if len(rel.parts) < 2 or not src.is_file() or src.name.startswith("."):
            continue
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        os.link(src, target)
    return dest


NEW_FILE = "hightech_certificates/2024年高新技术企业补充认定名单.csv"


def add_new_file(drop: Path, rows: int = 20) -> Path:
    """Write one small valid batch into `drop`: a supplementary 2024 certificate list.

    Its firms are the first `rows` firms of the oldest 2021 certificate list (valid USCCs and
    regions; their certificates expire in 2024, so a renewal is what a bureau would publish),
    with new certificate numbers (a 7-digit serial starting with 9, which the generator's 5-6
    digit serials never reach) issued 2024-12-20.
    """
    folder = drop / "hightech_certificates"
    sources = sorted(p for p in folder.glob("2021*.csv"))
    if not sources:
        sources = sorted(p for p in folder.glob("*.csv"))
    raw = sources[0].read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("gb18030")
    reader = csv.reader(io.StringIO(text))
    header = next(reader)
    names = {"企业名称": "name", "enterprise_name": "name", "统一社会信用代码": "uscc", "uscc": "uscc",
             "所属地区": "region", "region": "region"}  # fmt: skip
    pos = {names[h.strip()]: i for i, h in enumerate(header) if h.strip() in names}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["企业名称", "统一社会信用代码", "证书编号", "发证日期", "所属地区"])
    for i, row in zip(range(rows), reader, strict=False):
        region = row[pos["region"]]
        province = region[:2] if region[:2].isdigit() else "32"
        writer.writerow([row[pos["name"]], row[pos["uscc"]], f"GR2024{province}9{i + 1:06d}", "2024-12-20", region])
    path = drop / NEW_FILE
    path.write_text(out.getvalue(), encoding="utf-8")
    return path
