#!/usr/bin/python3
"""Page load and action latency of the web console, in headless Chromium,
with 1,000 requests in the gateway (README "Web console"; bench/RESULTS.md).

  bench/web/web_console_latency.py --build BUILD [--source .] [--requests 1000] [--runs 50]

Starts a gateway with the demo data (as tests/browser/ does), files
`--requests` requests through the JSON API, then as the reviewer measures,
`--runs` times each, from navigation to the page's content on screen:
  - the queue page (#/file: its first page, 50 requests, one ListRequests
    call paged by the server);
  - the next page of the queue (an in-page navigation: from the route's
    start to the rows on screen, as the page measures it);
  - the study page of one request under study (#/demande/ID);
  - the feasibility preview action on that page (click -> table shown).
Prints a Markdown section (p50, p99, max in ms). Timing lives in bench/ only.
"""
import argparse
import http.client
import json
import os
import shutil
import ssl
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '../../tests/browser'))
import web_console_browser_test as bt  # noqa: E402


def percentile(values, p):
    v = sorted(values)
    k = min(len(v) - 1, max(0, int(round(p / 100.0 * len(v) + 0.5)) - 1))
    return v[k]


class Api:
    def __init__(self, gw, client):
        host, port = gw.web[len('https://'):].rsplit(':', 1)
        ctx = ssl.create_default_context(cafile=gw.pki + '/ca.pem')
        ctx.load_cert_chain(f'{gw.pki}/clients/{client}.pem', f'{gw.pki}/clients/{client}.key')
        self.conn = http.client.HTTPSConnection(host, int(port), context=ctx)
        self.conn.request('GET', '/session')
        r = self.conn.getresponse()
        body = json.loads(r.read())
        self.cookie = r.getheader('Set-Cookie').split(';')[0]
        self.token = body['csrfToken']

    def call(self, method, body):
        self.conn.request('POST', '/api/' + method, json.dumps(body),
                          {'Content-Type': 'application/json', 'Cookie': self.cookie, 'X-CSRF-Token': self.token})
        r = self.conn.getresponse()
        raw = r.read()
        self.last_bytes = len(raw)
        out = json.loads(raw)
        if r.status != 200:
            raise RuntimeError(f'{method}: {out}')
        return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--build', required=True)
    ap.add_argument('--source', default=os.path.join(HERE, '../..'))
    ap.add_argument('--requests', type=int, default=1000)
    ap.add_argument('--runs', type=int, default=50)
    args = ap.parse_args()
    if shutil.which('chromium') is None or shutil.which('chromedriver') is None:
        print('web console latency: skipped (chromium or chromedriver absent)')
        return 0
    tmp = tempfile.mkdtemp(prefix='ctg-web-bench-')
    gw = None
    try:
        gw = bt.Gateway(args.build, args.source, tmp)
        os.makedirs(bt.POLICY_DIR, exist_ok=True)
        with open(bt.POLICY_FILE, 'w') as f:
            json.dump({'AutoSelectCertificateForUrls': [json.dumps({'pattern': gw.web, 'filter': {}})]}, f)
        gw.load_demo()
        req = Api(gw, 'requester-33069')
        t0 = time.time()
        first = None
        for i in range(args.requests):
            r = req.call('ctg.v1.DataRequests/SubmitRequest', {
                'purpose': f'Diagnostic social de territoire n° {i}', 'objective': 'Axe I.2 veille sociale territoriale',
                'retentionMonths': 12, 'recipients': [{'kind': 'OWN_SERVICE', 'name': 'CCAS'}],
                'scope': {'indicators': ['allocataires', 'single_parent_families'], 'breakdowns': ['family_type'],
                          'territories': ['33069', '330690101', '330690102', 'QN03302M'], 'periods': ['2022']}})
            first = first or r['id']
        filing = time.time() - t0
        reviewer = Api(gw, 'reviewer')
        reviewer.call('ctg.v1.DataRequests/StartStudy', {'id': first})
        # The queue's one API call alone (HTTPS kept alive, no browser): what
        # lighter rows could save at most.
        list_call, list_bytes = [], 0
        for i in range(args.runs + 2):
            t = time.perf_counter()
            reviewer.call('ctg.v1.DataRequests/ListRequests', {'pageSize': 50})
            if i >= 2:
                list_call.append((time.perf_counter() - t) * 1000)
            list_bytes = reviewer.last_bytes
        b = bt.Browser(gw, 'reviewer', tmp)
        d = b.driver
        queue, next_page, study, preview = [], [], [], []
        page_rows = min(50, args.requests)
        rendered = lambda: float(d.execute_script('return document.documentElement.dataset.renderedMs || -1'))
        for i in range(args.runs + 2):  # the first two warm up
            b.open('#/file')
            b.wait(lambda d: len(d.find_elements('css selector', 'table tbody tr')) == page_rows, 'queue',
                   poll=0.02)
            b.wait(lambda d: rendered() > 0, 'queue rendered', poll=0.02)
            q = rendered()
            n = None
            if args.requests > page_rows:
                d.find_element('id', 'next-page').click()
                b.wait(lambda d: 'Page 2' in d.find_element('id', 'page-number').text and
                       len(d.find_elements('css selector', 'table tbody tr')) == min(page_rows, args.requests - page_rows),
                       'next page', poll=0.02)
                started = float(d.execute_script('return document.documentElement.dataset.routeStartMs'))
                b.wait(lambda d: rendered() >= started, 'next page rendered', poll=0.02)
                n = rendered() - started
            b.open('#/demande/' + first)
            b.wait(lambda d: d.find_elements('id', 'preview') and 'Historique' in d.find_element('id', 'view').text,
                   'study', poll=0.02)
            b.wait(lambda d: rendered() > 0, 'study rendered', poll=0.02)
            s = rendered()
            t = time.perf_counter()
            d.find_element('id', 'preview').click()
            b.wait(lambda d: d.find_elements('css selector', '#preview-result table'), 'preview', poll=0.01)
            p = (time.perf_counter() - t) * 1000
            if i >= 2:
                queue.append(q)
                if n is not None:
                    next_page.append(n)
                study.append(s)
                preview.append(p)
        b.close()
        rows = [('Queue page (#/file), first page: %d of %d requests (server-side paging)' % (page_rows, args.requests), queue),
                ('Next page of the queue (in-page: route start to rows on screen)', next_page),
                ('API alone: ListRequests, 50 full rows (%d bytes of JSON), from Python' % list_bytes, list_call),
                ('Study page of one request (#/demande/ID)', study),
                ('Action: feasibility preview on the study page (click to table)', preview)]
        print('## Web console (headless Chromium)\n')
        print(f'- command: `bench/web/web_console_latency.py --build {args.build} --requests {args.requests} '
              f'--runs {args.runs}`; Debian Chromium, headless, reviewer certificate, the gateway on the same host')
        print(f'- {args.requests} requests filed through the JSON API in {filing:.1f} s '
              f'({args.requests / filing:.0f}/s, each an audited SubmitRequest)')
        print('- pages: from navigation start to the view on screen, as the page measures it '
              '(`performance.now()` when the view is drawn: a full load, TLS handshakes, scripts, API calls, '
              'rendering); the next page: from the route\'s start (the click\'s `hashchange`) to the rows on screen, '
              'as the page measures it; the preview: from the click to the table on screen, timed by the driver '
              '(polling every 10 ms); the API call alone: `ListRequests` of 50 rows over HTTPS kept alive, from Python; '
              f'{args.runs} runs after 2 warm-up runs\n')
        print('| page / action | p50 | p99 | max |')
        print('|---|---|---|---|')
        for name, v in rows:
            if not v:
                continue
            print(f'| {name} | {percentile(v, 50):.0f} ms | {percentile(v, 99):.0f} ms | {max(v):.0f} ms |')
        return 0
    finally:
        if os.path.exists(bt.POLICY_FILE):
            os.remove(bt.POLICY_FILE)
        if gw:
            gw.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == '__main__':
    sys.exit(main())
