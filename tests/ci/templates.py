#!/usr/bin/env python3
"""Split the CI templates into what tests/ci/run executes.

    templates.py GITHUB_YML GITLAB_YML OUTDIR

Checks that each GitHub Actions job and its GitLab CI job run the same
command blocks (the `run:` blocks; the `script:` items), with the same
environment and the same artefact paths, and writes for each job
OUTDIR/JOB.env (export lines), OUTDIR/JOB.N.sh (block N) and
OUTDIR/JOB.artifacts (one path a line).  Exit 1 with the difference when
they disagree.
"""
import shlex, sys, yaml

JOBS = {"suite": "tcpconform-suite", "kernel-config-gate": "tcpconform-kernel-config-gate"}
gh = yaml.safe_load(open(sys.argv[1]))
gl = yaml.safe_load(open(sys.argv[2]))
out = sys.argv[3]
bad = 0
for name, glname in JOBS.items():
    j, l = gh["jobs"][name], gl[glname]
    runs = [s["run"].rstrip("\n") for s in j["steps"] if "run" in s]
    scripts = [s.rstrip("\n") for s in l["script"]]
    env, variables = j.get("env", {}), l.get("variables", {})
    paths = [p for s in j["steps"] if s.get("uses", "").startswith("actions/upload-artifact")
             for p in s["with"]["path"].split()]
    if runs != scripts:
        print("%s: run blocks differ from %s's script" % (name, glname))
        bad = 1
    if env != variables:
        print("%s: env %r differs from %s's variables %r" % (name, env, glname, variables))
        bad = 1
    if paths != l["artifacts"]["paths"]:
        print("%s: artefacts %r differ from %r" % (name, paths, l["artifacts"]["paths"]))
        bad = 1
    with open("%s/%s.env" % (out, name), "w") as f:
        for k, v in env.items():
            f.write("export %s=%s\n" % (k, shlex.quote(str(v))))
    for i, r in enumerate(runs):
        with open("%s/%s.%d.sh" % (out, name, i + 1), "w") as f:
            f.write(r + "\n")
    with open("%s/%s.artifacts" % (out, name), "w") as f:
        f.write("".join(p + "\n" for p in paths))
sys.exit(bad)
