#!/usr/bin/env bash
# Copies the built CSS/JS we use from node_modules/ into static/vendor/ (committed), with the
# licences and a VERSIONS note. node_modules/ itself is never committed.
#
# Not copied on purpose: @utrecht/design-tokens. Its LICENSE.md says the tokens are proprietary
# assets of Gemeente Utrecht ("the open source license does NOT apply"), and they are the
# municipality's brand. Wijkwerk defines the same custom properties with each coop's own colours
# in static/css/wijkwerk-theme.css (see docs/decisions/002-nl-design-system-css.md).
set -euo pipefail
cd "$(dirname "$0")/.."

out=static/vendor
rm -rf "$out/utrecht" "$out/htmx" "$out/chartjs"
mkdir -p "$out/utrecht" "$out/htmx" "$out/chartjs"

lib=node_modules/@utrecht/component-library-css
cp "$lib/dist/index.css" "$out/utrecht/component-library.css"
# Styles plain HTML elements inside .utrecht-html (forms rendered with {{ field }} look right too).
cp "$lib/dist/html.css" "$out/utrecht/html.css"
cp "$lib/LICENSE.md" "$out/utrecht/LICENSE.md"

cp node_modules/htmx.org/dist/htmx.min.js "$out/htmx/htmx.min.js"
cp node_modules/htmx.org/LICENSE "$out/htmx/LICENSE"

# The UMD build (one file, its colour helper bundled in) draws the charts; static/js/charts.js
# reads each chart's numbers from the page, so no page needs an inline script. Its last line names a
# source map we do not ship; the manifest storage of collectstatic would fail on the missing file.
sed '/^\/\/# sourceMappingURL=/d' node_modules/chart.js/dist/chart.umd.min.js > "$out/chartjs/chart.umd.min.js"
cp node_modules/chart.js/LICENSE.md "$out/chartjs/LICENSE.md"

version() { node -p "require('./node_modules/$1/package.json').version"; }
license() { node -p "require('./node_modules/$1/package.json').license"; }
{
    echo "Vendored by scripts/vendor-static.sh (make vendor) from the npm registry. Do not edit by hand."
    echo
    for pkg in @utrecht/component-library-css htmx.org chart.js; do
        echo "$pkg $(version "$pkg") ($(license "$pkg"))"
    done
    echo
    echo "utrecht/component-library.css <- @utrecht/component-library-css/dist/index.css"
    echo "utrecht/html.css              <- @utrecht/component-library-css/dist/html.css"
    echo "htmx/htmx.min.js              <- htmx.org/dist/htmx.min.js"
    echo "chartjs/chart.umd.min.js      <- chart.js/dist/chart.umd.min.js"
    echo
    echo "@utrecht/design-tokens $(version @utrecht/design-tokens) is installed only as the reference for"
    echo "token names; its files are proprietary to Gemeente Utrecht and are NOT vendored."
} > "$out/VERSIONS"
echo "vendored into $out:"; cat "$out/VERSIONS"
