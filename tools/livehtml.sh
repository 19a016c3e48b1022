#!/bin/sh
# Live preview (`make livehtml`): sphinx-autobuild builds the site, serves it, rebuilds when a
# post, conf.py, the extension or a template changes, and reloads the open browser tab.
#
# Every setting comes from the environment, so the Makefile, the tests and an author's shell run
# the same command:
#   SPHINXAUTOBUILD  the sphinx-autobuild command      (default .venv/bin/sphinx-autobuild)
#   HOST, PORT       where to serve                    (default 127.0.0.1 and 8000; PORT=0: any free port)
#   SOURCEDIR        the content folder                (default docs)
#   CONFDIR          the folder of conf.py, _ext/, _templates/ (default .)
#   OUTDIR           the output folder                 (default _build/livehtml, apart from make html's)
# Further arguments go to sphinx-build, e.g. `-D kiji_show_drafts=1` or `-j 2`.
set -eu

SPHINXAUTOBUILD=${SPHINXAUTOBUILD:-.venv/bin/sphinx-autobuild}
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
SOURCEDIR=${SOURCEDIR:-docs}
CONFDIR=${CONFDIR:-.}
OUTDIR=${OUTDIR:-_build/livehtml}
export CONFDIR OUTDIR

if [ "${1-}" = "--if-extension-changed" ]; then
    # Pre-build step. Sphinx rebuilds everything when conf.py changes and rewrites pages when a
    # template changes, but it cannot see a change to the extension's Python code: pages would be
    # left as the old code made them. Dropping the saved environment makes this one build full.
    env="$OUTDIR/.doctrees/environment.pickle"
    if [ -f "$env" ] && [ -d "$CONFDIR/_ext" ] &&
        [ -n "$(find "$CONFDIR/_ext" -name '*.py' -newer "$env" 2>/dev/null | head -n 1)" ]; then
        echo "livehtml: the extension changed; rebuilding every page"
        rm -f "$env"
    fi
    exit 0
fi

# What is watched besides the content: the configuration, the extension, the templates.
set -- -c "$CONFDIR" "$SOURCEDIR" "$OUTDIR" --host "$HOST" --port "$PORT" "$@"
[ -f "$CONFDIR/conf.py" ] && set -- "$@" --watch "$CONFDIR/conf.py"
[ -d "$CONFDIR/_ext" ] && set -- "$@" --watch "$CONFDIR/_ext"
[ -d "$CONFDIR/_templates" ] && set -- "$@" --watch "$CONFDIR/_templates"

# What is never a reason to rebuild. sphinx-autobuild replaces watchfiles' default filter with
# its own, so editor and Python droppings must be listed here, or saving a post in vim (swap
# file, then the `4913` probe file) and importing the extension (__pycache__) would each start a
# build, and a build that writes where it watches would loop. Patterns are regular expressions on
# absolute paths; --ignore names folders relative to here.
set -- "$@" \
    --ignore _build --ignore .venv --ignore "$OUTDIR" \
    --re-ignore '(^|/)(_build|\.venv|\.git|\.doctrees|__pycache__|\.ipynb_checkpoints|\.pytest_cache|\.hypothesis|node_modules)(/|$)' \
    --re-ignore '\.py[co]$' \
    --re-ignore '(^|/)(\.[^/]*\.sw[a-px]|[^/]*\.swx|4913|\.#[^/]*|#[^/]*#|[^/]*~|[^/]*\.tmp|[^/]*\.kate-swp|[^/]*___jb_(tmp|old)___|\.DS_Store|\.~lock\.[^/]*)$' \
    --pre-build "sh '$0' --if-extension-changed"

[ "$PORT" = 0 ] && where="a free port" || where="http://$HOST:$PORT/"
echo "livehtml: serving on $where (Ctrl+C to stop)"
# Word splitting of $SPHINXAUTOBUILD is wanted: it may be "python -m sphinx_autobuild".
# shellcheck disable=SC2086
exec $SPHINXAUTOBUILD "$@"
