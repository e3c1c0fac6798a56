"""Deep-scan rules: judge the facts `aiscan.artifacts` found inside model artifacts.

They read the typed fact `artifact_scans` (ArtifactScanFacts: what `scan --deep` or
`aiscan artifacts` attached). A rule fails once per
offending issue (so each finding names the artifact, the member and the global); when nothing
offends but a bound was hit or a part could not be parsed, it answers manual -- never pass.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from aiscan.artifacts.report import PICKLE_FORMATS as _PICKLED
from aiscan.artifacts.report import ArtifactScan, Issue
from aiscan.core.facts import unread
from aiscan.core.facts.common import ArtifactScanFacts
from aiscan.rules.base import Asset, AssetKind, Category, Result, RuleContext, Severity, rule

_REFS = (
    "OWASP-ML:ML06",
    "OWASP-LLM:LLM03",
    "MITRE-ATLAS:AML.T0010",
    "MITRE-ATLAS:AML.T0011.000",
)
_PICKLE_CODES = frozenset(
    {
        "pickle-global",
        "pickle-dynamic-global",
        "pickle-extension",
        "parse-error-after-suspicious-opcode",
    }
)


def _scans(facts: ArtifactScanFacts) -> list[ArtifactScan] | Result:
    if unread(facts.artifact_scans):
        return Result.not_applicable("no deep scan of this model's artifacts")
    return list(facts.artifact_scans)


def _incomplete(scans: list[ArtifactScan]) -> str:
    reasons = [f"{s.location}: {r}" for s in scans for r in (*s.bounds, *s.errors)]
    if not reasons:
        return ""
    more = f" (+{len(reasons) - 3} more)" if len(reasons) > 3 else ""
    return "not fully scanned: " + "; ".join(reasons[:3]) + more


def _evidence(scan: ArtifactScan, issue: Issue) -> dict[str, object]:
    ev: dict[str, object] = {"location": scan.location, "code": issue.code}
    for key in ("member", "module", "name", "position", "detail"):
        value = getattr(issue, key)
        if value not in (None, ""):
            ev[key] = value
    if scan.sha256:
        ev["sha256"] = scan.sha256
    return ev


def _what(issue: Issue) -> str:
    if issue.module and issue.name:
        return f"{issue.module}.{issue.name}"
    return issue.name or issue.module or issue.code


def _judge(
    facts: ArtifactScanFacts,
    codes: frozenset[str],
    message: Callable[[ArtifactScan, Issue], str],
    *,
    clean: str,
) -> Iterator[Result]:
    scans = _scans(facts)
    if isinstance(scans, Result):
        yield scans
        return
    failed = False
    for scan in scans:
        for issue in scan.issues:
            if issue.code not in codes:
                continue
            failed = True
            yield Result.fail(
                message(scan, issue),
                evidence=_evidence(scan, issue),
                key=f"{scan.location}|{issue.member}|{issue.code}|{_what(issue)}",
                severity=issue.severity,
            )
    if failed:
        return
    incomplete = _incomplete(scans)
    yield Result.manual(incomplete) if incomplete else Result.ok(clean)


def _at(issue: Issue, scan: ArtifactScan | None = None) -> str:
    top = scan.location.rstrip("/").rsplit("/", 1)[-1] if scan else None
    where = f" in {issue.member}" if issue.member and issue.member != top else ""
    pos = f" at byte {issue.position}" if issue.position is not None else ""
    return f"{where}{pos}"


@rule(
    id="XC-ART-001",
    title="Model artifact imports code when it is loaded (pickle)",
    severity=Severity.CRITICAL,
    category=Category.SUPPLY_CHAIN,
    kinds=(AssetKind.MODEL,),
    description=(
        "A pickle inside the model artifact (a plain pickle, a PyTorch checkpoint, joblib, a NumPy "
        "object array) imports a global that is not on aiscan's allow-list of classes and "
        "functions known to only rebuild tensors and containers. Critical when the global runs "
        "code, imports modules or reaches the OS or network (os.system, runpy, builtins.getattr, "
        "subprocess, pip, webbrowser, ...), high for any other unknown global. A pickle that "
        "breaks right after such an import is critical too: the loader has run it before failing."
    ),
    risk=(
        "Loading the model (torch.load, pickle.load, joblib.load, np.load(allow_pickle=True)) "
        "calls the imported function with attacker-chosen arguments: code execution on the "
        "serving host, with the endpoint's role and data."
    ),
    remediation=(
        "Do not load the artifact. Rebuild it from trusted training code, store weights as "
        "safetensors, and load PyTorch checkpoints with torch.load(weights_only=True)."
    ),
    references=(*_REFS, "CWE-502"),
)
def pickle_imports(asset: Asset, facts: ArtifactScanFacts, ctx: RuleContext) -> Iterator[Result]:
    def message(scan: ArtifactScan, issue: Issue) -> str:
        if issue.code == "pickle-global":
            return (
                f"{scan.location}: pickle imports {_what(issue)}{_at(issue, scan)} ({issue.detail})"
            )
        return f"{scan.location}: {issue.detail}{_at(issue, scan)}"

    yield from _judge(facts, _PICKLE_CODES, message, clean="every pickle global is allow-listed")


@rule(
    id="XC-ART-002",
    title="Model is stored in a serialization format that runs code when loaded",
    severity=Severity.MEDIUM,
    category=Category.SUPPLY_CHAIN,
    kinds=(AssetKind.MODEL,),
    description=(
        "The artifact is pickle-based (pickle, PyTorch zip or legacy checkpoint, TorchScript, "
        "joblib, NumPy object array) although every global it imports today is allow-listed."
    ),
    risk=(
        "Loading a pickle-based format executes whatever the file says; the next version of the "
        "artifact, or a swapped object in the bucket, can carry a payload without any change to "
        "the serving code."
    ),
    remediation=(
        "Convert the weights to safetensors (or ONNX / GGUF) and load them with a loader that "
        "cannot execute code; until then load with torch.load(weights_only=True)."
    ),
    references=_REFS,
)
def unsafe_format(asset: Asset, facts: ArtifactScanFacts, ctx: RuleContext) -> Iterator[Result]:
    scans = _scans(facts)
    if isinstance(scans, Result):
        yield scans
        return
    flagged = False
    for scan in scans:
        if any(i.code in _PICKLE_CODES for i in scan.issues):
            continue  # XC-ART-001 reports it, at a higher severity
        pickled = sorted(
            {m.path for m in scan.members if m.format in _PICKLED}
            | ({scan.location} if scan.format in _PICKLED else set())
        )
        if pickled:
            flagged = True
            yield Result.fail(
                f"{scan.location}: pickle-based model ({', '.join(pickled[:3])}) with only "
                "allow-listed globals",
                evidence={
                    "location": scan.location,
                    "pickled": pickled[:20],
                    "format": scan.format,
                },
                key=scan.location,
            )
    if not flagged:
        incomplete = _incomplete(scans)
        yield Result.manual(incomplete) if incomplete else Result.ok("no pickle-based format")


@rule(
    id="XC-ART-003",
    title="Keras model carries a Lambda layer or a custom object",
    severity=Severity.CRITICAL,
    category=Category.SUPPLY_CHAIN,
    kinds=(AssetKind.MODEL,),
    description=(
        "The Keras configuration (.keras config.json or the .h5 model_config attribute) holds a "
        "Lambda layer -- marshalled Python bytecode -- or a layer from a non-Keras module that "
        "the loader imports. Critical when the bytecode names OS or code-execution functions."
    ),
    risk=(
        "Loading the model with safe_mode off (or any legacy .h5 loader) runs the embedded code; "
        "custom modules run their import-time code."
    ),
    remediation=(
        "Replace Lambda layers with registered, reviewed custom layers shipped as code, keep "
        "keras.models.load_model(safe_mode=True), and rebuild the artifact from trusted code."
    ),
    references=(*_REFS, "CVE-2024-3660"),
)
def keras_code(asset: Asset, facts: ArtifactScanFacts, ctx: RuleContext) -> Iterator[Result]:
    def message(scan: ArtifactScan, issue: Issue) -> str:
        return f"{scan.location}: {_what(issue)}{_at(issue, scan)}: {issue.detail}"

    yield from _judge(
        facts,
        frozenset({"keras-lambda", "keras-custom-object"}),
        message,
        clean="no Lambda layer or custom object",
    )


@rule(
    id="XC-ART-004",
    title="Chat template can execute code (Jinja template injection)",
    severity=Severity.CRITICAL,
    category=Category.SUPPLY_CHAIN,
    kinds=(AssetKind.MODEL,),
    description=(
        "A chat template shipped with the model (GGUF tokenizer.chat_template, Hugging Face "
        "tokenizer_config.json or chat_template.jinja) reaches Python internals: dunder "
        "attributes, the attr filter, or Jinja globals such as cycler, joiner or lipsum."
    ),
    risk=(
        "Servers render the template for every request; an unsandboxed renderer "
        "(llama-cpp-python before 0.2.72, CVE-2024-34359) runs the injected code on the host."
    ),
    remediation=(
        "Replace the chat template with the reviewed upstream template and render templates in a "
        "sandboxed Jinja environment."
    ),
    references=(*_REFS, "CVE-2024-34359"),
)
def chat_template(asset: Asset, facts: ArtifactScanFacts, ctx: RuleContext) -> Iterator[Result]:
    def message(scan: ArtifactScan, issue: Issue) -> str:
        return f"{scan.location}: {issue.name or 'chat template'}{_at(issue, scan)}: {issue.detail}"

    yield from _judge(
        facts,
        frozenset({"gguf-template", "chat-template"}),
        message,
        clean="chat templates stay inside Jinja",
    )


@rule(
    id="XC-ART-005",
    title="Model graph calls operators that run Python, touch files or need native libraries",
    severity=Severity.CRITICAL,
    category=Category.SUPPLY_CHAIN,
    kinds=(AssetKind.MODEL,),
    description=(
        "The computation graph calls operators beyond the runtime's standard set: TensorFlow "
        "PyFunc (critical) or ReadFile/WriteFile/MatchingFiles (high), TorchScript custom or "
        "file-writing operators, ONNX operators from a custom domain (medium: a native "
        "custom-op library must be loaded to run them)."
    ),
    risk=(
        "Serving the model runs Python or native code shipped beside it, or reads and writes "
        "files on the serving host with the endpoint's permissions."
    ),
    remediation=(
        "Rebuild the graph from standard operators; if a custom operator is needed, ship and "
        "review its library as code, not inside the model artifact."
    ),
    references=_REFS,
)
def graph_ops(asset: Asset, facts: ArtifactScanFacts, ctx: RuleContext) -> Iterator[Result]:
    def message(scan: ArtifactScan, issue: Issue) -> str:
        return f"{scan.location}: operator {_what(issue)}{_at(issue, scan)}: {issue.detail}"

    yield from _judge(
        facts,
        frozenset({"tf-dangerous-op", "torchscript-op", "onnx-custom-op"}),
        message,
        clean="only standard operators",
    )


@rule(
    id="XC-ART-006",
    title="Model artifact structure lies or escapes its directory",
    severity=Severity.HIGH,
    category=Category.SUPPLY_CHAIN,
    kinds=(AssetKind.MODEL,),
    description=(
        "Archive entries with absolute or '..' paths, zip entries whose CRC-32 or local header "
        "name disagrees with the central directory, duplicate entry names, ONNX external data "
        "outside the model directory, or safetensors headers whose offsets overlap or run past "
        "the file. Every entry is scanned anyway; the finding is the inconsistency itself."
    ),
    risk=(
        "Different tools read different bytes from the same artifact (a scanner one entry, the "
        "loader another), extraction writes outside its directory, and loading reads arbitrary "
        "files from the serving host."
    ),
    remediation="Rebuild the artifact with standard tooling from trusted files.",
    references=(*_REFS, "CVE-2024-27318"),
)
def structure(asset: Asset, facts: ArtifactScanFacts, ctx: RuleContext) -> Iterator[Result]:
    def message(scan: ArtifactScan, issue: Issue) -> str:
        return f"{scan.location}: {issue.code}{_at(issue, scan)}: {issue.detail}"

    yield from _judge(
        facts,
        frozenset(
            {
                "archive-path-traversal",
                "archive-duplicate-member",
                "zip-crc-mismatch",
                "zip-name-mismatch",
                "onnx-external-data",
                "safetensors-invalid-header",
            }
        ),
        message,
        clean="archive entries and headers are consistent",
    )


RULES = (pickle_imports, unsafe_format, keras_code, chat_template, graph_ops, structure)
