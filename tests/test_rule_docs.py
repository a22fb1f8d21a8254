"""Rule documentation is tested like Fixit's rule examples: the Example fires the rule,
the Use-instead code is clean, and docs/rules.md is generated from the same source."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from acl_lint.findings import DOC_SECTIONS, doc_sections, registry
from acl_lint.lint import lint_sources

ROOT = Path(__file__).resolve().parent.parent
BLOCK = re.compile(r"```python\n(.*?)```", re.S)
STATIC_RULES = [code for code, rule in registry().items() if "static" in rule.engines]


def first_block(code: str, section: str) -> str:
    blocks = BLOCK.findall(doc_sections(registry()[code].doc).get(section, ""))
    assert blocks, f"{code}: no python block in {section!r}"
    return blocks[0]


@pytest.mark.parametrize("code", sorted(registry()))
def test_every_rule_has_the_four_sections(code):
    sections = doc_sections(registry()[code].doc)
    for title in DOC_SECTIONS:
        assert sections.get(title), f"{code}: missing or empty section {title!r}"
    assert registry()[code].doc.startswith(f"# {code} {registry()[code].name}\n")


@pytest.mark.parametrize("code", STATIC_RULES)
def test_example_fires_the_rule(code):
    result = lint_sources([(f"{code.lower()}_example.py", first_block(code, "Example"))])
    assert code in {f.code for f in result.findings}, [f"{f.code} {f.message}" for f in result.findings]


@pytest.mark.parametrize("code", STATIC_RULES)
def test_use_instead_is_clean(code):
    result = lint_sources([(f"{code.lower()}_fixed.py", first_block(code, "Use instead"))])
    assert result.findings == [], [f"{f.code} line {f.line}: {f.message}" for f in result.findings]


def test_rules_page_is_in_sync():
    proc = subprocess.run([sys.executable, "-m", "acl_lint.docs", "--check"], cwd=ROOT,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_rule_command_prints_the_doc():
    proc = subprocess.run([sys.executable, "-m", "acl_lint", "rule", "ACL106"], capture_output=True, text=True)
    assert proc.returncode == 0
    assert "buffer-memory-not-freed" in proc.stdout
    assert "Why is this bad" in proc.stdout
