#!/usr/bin/python3
"""Browser tests of the web console: headless Chromium (Debian's chromium and
chromium-driver, driven by python3-selenium) presents the development PKI's
client certificates and walks each role's main journey on a real gateway:

  requester submits -> reviewer starts the study, previews, asks ->
  requester amends -> reviewer approves -> requester downloads the extract
  with its receipt verified; an auditor verifies an inclusion proof and reads
  the R13 report; an administrator imports a base (and sees a bad file's
  errors by line) and opens a convention's confirmation.

Refused certificates (expired, revoked) get no page; another commune's
request is "Introuvable". The audit events the journey produced are checked
through the Audit API (the `ctg` CLI). axe-core runs on every page: no
serious or critical violation. Each page is saved as a screenshot.

  web_console_browser_test.py --build BUILD_DIR --source SOURCE_DIR --out OUT_DIR

With CTG_TEST_PG_DIR set (tools/pg-test-cluster.sh run -- ...), the gateway
runs on a new database of that throw-away PostgreSQL cluster instead of an
SQLite file (ctest: web_console_browser_on_postgres).

Exits 77 (ctest: skipped) with a message when chromium or chromedriver is
absent. Must run as root (Chromium's managed policy file under /etc). The
policy file has one name for every run (Chromium reads every file of the
directory, so two runs' policies could not coexist anyway): runs take an
exclusive lock (flock on POLICY_LOCK) for as long as the file exists, remove
a file a killed run left behind, and remove theirs at the end whatever the
outcome (failures, exceptions, SIGTERM/SIGINT/SIGHUP).
"""
import argparse
import fcntl
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

SKIP = 77
POLICY_DIR = '/etc/chromium/policies/managed'
POLICY_FILE = os.path.join(POLICY_DIR, 'ctg-web-console-test.json')
POLICY_LOCK = '/run/lock/ctg-web-console-browser-test.lock'


def log(*a):
    print(*a, flush=True)


class Failure(Exception):
    pass


def check(cond, what):
    if not cond:
        raise Failure(what)
    log('  ok:', what)


def pg_cluster_env():
    """The connection URLs of the cluster in CTG_TEST_PG_DIR, or None."""
    d = os.environ.get('CTG_TEST_PG_DIR')
    if not d:
        return None
    env = {}
    with open(os.path.join(d, 'env')) as f:
        for line in f:
            k, sep, v = line.strip().partition('=')
            if sep:
                env[k] = v
    return env


def database_section(tmp):
    """The gateway's database: a new PostgreSQL database of the test cluster
    (its own, owned by ctg_owner) when there is one, else an SQLite file."""
    env = pg_cluster_env()
    if env is None:
        return f'database = "{tmp}/ctg.db"\n'
    db = f'browser{os.getpid()}'
    with_db = lambda url: url[:url.rfind('/') + 1] + db
    subprocess.run(['psql', '-q', '-v', 'ON_ERROR_STOP=1', env['CTG_TEST_PG_ADMIN_URL'], '-c',
                    f'CREATE DATABASE {db} OWNER ctg_owner'], check=True, stdout=subprocess.DEVNULL)
    return (f'[database]\nurl = "{with_db(env["CTG_TEST_PG_GATEWAY_URL"])}"\n'
            f'migrate_url = "{with_db(env["CTG_TEST_PG_OWNER_URL"])}"\n')


class Gateway:
    def __init__(self, build, source, tmp):
        self.build, self.source, self.tmp = build, source, tmp
        self.pki = os.path.join(tmp, 'pki')
        subprocess.run(['/bin/bash', os.path.join(source, 'certs/make-dev-pki.sh'), self.pki],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        conf = os.path.join(tmp, 'gateway.conf')
        with open(conf, 'w') as f:
            f.write(f'''listen = "127.0.0.1:0"
trust_domain = "ctg.caf33.fr"
caf_id = "33"
caf_name = "Caf de la Gironde"
{database_section(tmp)}[tls]
ca = "{self.pki}/ca.pem"
cert = "{self.pki}/server.pem"
key = "{self.pki}/server.key"
crl = "{self.pki}/crl.pem"
[audit]
signing_key = "{self.pki}/audit-signing.key"
checkpoint_interval_seconds = 0
[limits]
calls_per_minute = 0
[web]
listen = "127.0.0.1:0"
''')
        self.proc = subprocess.Popen([os.path.join(build, 'gateway/ctg-gateway'), '--config', conf],
                                     stdout=subprocess.PIPE, stderr=open(os.path.join(tmp, 'gateway.stderr'), 'w'),
                                     text=True)
        line = self.proc.stdout.readline()
        if 'web console on https://' not in line:
            raise Failure('gateway did not start: ' + line + open(os.path.join(tmp, 'gateway.stderr')).read())
        self.grpc = line.split('listening on ')[1].split(' ')[0]
        self.web = 'https://' + line.split('web console on https://')[1].split()[0]
        for _ in range(100):
            if self.ctg('admin', ['health', '--timeout', '1'], check_rc=False).returncode == 0:
                break
            time.sleep(0.1)

    def ctg(self, client, args, check_rc=True, input=None):
        env = dict(os.environ, CTG_GATEWAY=self.grpc, CTG_CA=self.pki + '/ca.pem',
                   CTG_CERT=f'{self.pki}/clients/{client}.pem', CTG_KEY=f'{self.pki}/clients/{client}.key')
        r = subprocess.run([os.path.join(self.build, 'cli/ctg')] + args, env=env, text=True,
                           capture_output=True, input=input)
        if check_rc and r.returncode != 0:
            raise Failure('ctg ' + ' '.join(args) + ': ' + r.stderr)
        return r

    def load_demo(self):
        data = os.path.join(self.tmp, 'data')
        subprocess.run([os.path.join(self.build, 'tools/ctg-synth/ctg-synth'), '--mode', 'demo',
                        '--periods', '2022,2023', '--out', data], check=True, stdout=subprocess.DEVNULL)
        self.ctg('admin', ['admin', 'import', data + '/statistics-2022.csv', '--period', '2022'])
        self.ctg('admin', ['admin', 'convention', 'create', '--commune', '33069', '--name', 'Le Bouscat',
                           '--from', '2020-03-01', '--until', '2030-12-31', '--perimeter', '33069'])
        self.ctg('admin', ['admin', 'convention', 'create', '--commune', '33162', '--name', 'Eysines',
                           '--from', '2021-01-01', '--until', '2030-12-31', '--perimeter', '33162'])
        return data

    def events(self):
        out = self.ctg('auditor', ['audit', 'events', '--format', 'jsonl']).stdout
        return [json.loads(l) for l in out.splitlines() if l.strip()]

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()


class Browser:
    """One Chromium with one client certificate in its own NSS database."""

    def __init__(self, gw, client, tmp):
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
        # A home of its own, even for a second browser of the same user: NSS's
        # certutil -N on an existing database asks for its password.
        base = os.path.join(tmp, 'home-' + (client or 'none'))
        self.home, n = base, 1
        while os.path.exists(self.home):
            n += 1
            self.home = f'{base}-{n}'
        nssdb = os.path.join(self.home, '.pki/nssdb')
        os.makedirs(nssdb, exist_ok=True)
        db = 'sql:' + nssdb
        # No terminal: a tool that would prompt fails instead of waiting.
        subprocess.run(['certutil', '-N', '-d', db, '--empty-password'], check=True, stdin=subprocess.DEVNULL)
        subprocess.run(['certutil', '-A', '-d', db, '-n', 'ctg-dev-ca', '-t', 'CT,,', '-i', gw.pki + '/ca.pem'], check=True,
                       stdin=subprocess.DEVNULL)
        if client:
            p12 = os.path.join(tmp, client + '.p12')
            subprocess.run(['openssl', 'pkcs12', '-export', '-in', f'{gw.pki}/clients/{client}.pem',
                            '-inkey', f'{gw.pki}/clients/{client}.key', '-out', p12, '-passout', 'pass:test',
                            '-name', client], check=True)
            subprocess.run(['pk12util', '-d', db, '-i', p12, '-W', 'test'], check=True,
                           stdout=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
        opts = webdriver.ChromeOptions()
        opts.binary_location = shutil.which('chromium')
        for a in ['--headless=new', '--no-sandbox', '--disable-gpu', '--window-size=1280,1800',
                  '--user-data-dir=' + os.path.join(self.home, 'profile'), '--lang=fr-FR',
                  '--disable-dev-shm-usage']:
            opts.add_argument(a)
        env = dict(os.environ, HOME=self.home)
        self.driver = webdriver.Chrome(service=Service(shutil.which('chromedriver'), env=env), options=opts)
        self.driver.set_script_timeout(60)
        self.base = gw.web
        self.client = client

    def open(self, fragment=''):
        # A fresh query string: always a full load, even to the same fragment.
        self.loads = getattr(self, 'loads', 0) + 1
        self.driver.get(f'{self.base}/?v={self.loads}{fragment}')
        return self

    def wait(self, cond, what, timeout=30, poll=0.1):
        end = time.time() + timeout
        last = None
        while time.time() < end:
            try:
                v = cond(self.driver)
                if v:
                    return v
            except Exception as e:  # element not there yet
                last = e
            time.sleep(poll)
        self.driver.save_screenshot('/tmp/browser-timeout.png')
        raise Failure(f'{self.client}: timed out waiting for {what} ({last}); status: {self.status()};'
                      f' url {self.driver.current_url}; title {self.driver.title}')

    def css(self, sel):
        return self.driver.find_element('css selector', sel)

    def wait_css(self, sel, what=None):
        return self.wait(lambda d: d.find_element('css selector', sel), what or sel)

    def wait_title(self, text):
        return self.wait(lambda d: text in d.find_element('id', 'title').text, 'title ' + text)

    def status(self):
        try:
            return self.driver.find_element('id', 'status').text
        except Exception:
            return '(no status)'

    def type(self, sel, text):
        el = self.css(sel)
        el.clear()
        el.send_keys(text)

    def close(self):
        self.driver.quit()


class Checker:
    def __init__(self, source, out, update_docs):
        with open(os.path.join(source, 'web/vendor/test/axe.min.js')) as f:
            self.axe = f.read()
        self.out = out
        self.docs = os.path.join(source, 'docs/screenshots') if update_docs else None
        self.results = {}

    def page(self, browser, name):
        """axe-core on the page as it is now, then a screenshot."""
        d = browser.driver
        time.sleep(0.3)  # let Chart.js finish drawing before the screenshot
        d.execute_script(self.axe)
        result = d.execute_async_script(
            'const done = arguments[arguments.length - 1];'
            'axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})'
            '.then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.length,'
            ' help: v.help}))), e => done([{id: "axe-error", impact: "critical", help: String(e)}]));')
        bad = [v for v in result if v['impact'] in ('serious', 'critical')]
        stray = d.execute_script("return [...document.getElementById('view').childNodes]"
                                 ".filter(n => n.nodeType === 3 && /^(null|undefined|false)$/.test(n.textContent.trim()))"
                                 ".length")
        check(stray == 0, f'{name}: no stray null/undefined text in the view')
        self.results[name] = {'violations': result, 'serious_or_critical': len(bad)}
        path = os.path.join(self.out, name + '.png')
        d.save_screenshot(path)
        if self.docs:
            os.makedirs(self.docs, exist_ok=True)
            shutil.copy(path, os.path.join(self.docs, name + '.png'))
        check(not bad, f'axe-core on {name}: no serious/critical violation {bad}')


def journey(gw, tmp, chk, data):
    ids = {}
    # ---- requester: catalogue and a new request
    req = Browser(gw, 'requester-33069', tmp)
    req.open('#/catalogue').wait_title('Catalogue')
    req.wait_css('table tbody tr')
    chk.page(req, 'requester-catalogue')
    ids['first'] = gw.ctg('requester2-33069', ['request', 'submit', '--purpose', 'Observatoire des familles',
                                               '--objective', 'Axe I.1', '--indicator', 'allocataires',
                                               '--territory', '33069', '--period', '2022',
                                               '--recipient', 'own:CCAS']).stdout.split()[0]
    req.open('#/nouvelle').wait_title('Nouvelle demande')
    req.wait_css('input[name="indicator"]')
    req.type('textarea[name="purpose"]', 'Diagnostic social de territoire : repérer les IRIS prioritaires')
    req.type('input[name="objective"]', 'Axe I.2 veille sociale territoriale')
    req.type('textarea[name="justification"]', "Préparation de l'analyse des besoins sociaux")
    for sel in ['#indicator-allocataires', '#indicator-single_parent_families', '#breakdown-family_type',
                '#territory-33069', '#territory-330690101', '#territory-330690102', '#territory-QN03302M',
                '#period-2022']:
        req.css(sel).click()
    req.type('input[name="own"]', 'Direction de la cohésion sociale')
    chk.page(req, 'requester-new-request')
    req.css('form button[type="submit"]').click()
    req.wait_title('Demande REQ-')
    rid = req.css('#title').text.split()[-1]
    ids['request'] = rid
    check(rid.startswith('REQ-'), 'requester submitted ' + rid)
    chk.page(req, 'requester-request')

    # ---- reviewer: queue, start, preview, ask
    rev = Browser(gw, 'reviewer', tmp)
    rev.open('#/file').wait_title("File d'étude")
    rev.wait_css('a[href="#/demande/%s"]' % rid)
    chk.page(rev, 'reviewer-queue')
    queue_paging(rev, rid, ids['first'])
    rev.open('#/demande/' + rid).wait_title('Demande ' + rid)
    rev.wait_css('#start').click()
    rev.wait(lambda d: "Étude commencée" in d.find_element('id', 'status').text, 'study started')
    rev.wait_css('#preview').click()
    rev.wait_css('#preview-result table')
    check('Synthèse du secret statistique' in rev.css('#preview-result').text, 'feasibility preview shown')
    check(len(rev.driver.find_elements('css selector', '.legend li')) >= 4, 'preview has a legend')
    rev.driver.execute_script("document.getElementById('preview-result').scrollIntoView()")
    chk.page(rev, 'reviewer-study-preview')
    rev.type('textarea[name="questions"]', 'Quels IRIS sont prioritaires ?')
    rev.driver.find_element('xpath', "//button[text()='Envoyer les questions']").click()
    rev.wait(lambda d: 'Questions envoyées' in d.find_element('id', 'status').text, 'questions sent')

    # ---- requester answers (amend)
    req.open('#/demande/' + rid).wait_title('Demande ' + rid)
    req.wait_css('textarea[name="answer"]')
    check('Quels IRIS sont prioritaires ?' in req.css('.questions').text, 'requester sees the question')
    chk.page(req, 'requester-answer')
    req.type('textarea[name="answer"]', 'Les IRIS 0101 et 0102.')
    req.driver.find_element('xpath', "//button[text()='Envoyer la réponse']").click()
    req.wait(lambda d: 'Réponse envoyée' in d.find_element('id', 'status').text, 'answer sent')

    # ---- reviewer approves (both opinions, quota)
    rev.open('#/demande/' + rid).wait_title('Demande ' + rid)
    rev.wait(lambda d: d.find_elements('css selector', 'select[name="oppOpinion"]') or
             d.find_elements('id', 'start'), 'decision form or start')
    if rev.driver.find_elements('id', 'start'):
        rev.css('#start').click()
        rev.wait_css('select[name="oppOpinion"]')
    from selenium.webdriver.support.ui import Select
    Select(rev.css('select[name="oppOpinion"]')).select_by_value('FAVOURABLE')
    rev.type('textarea[name="oppReasoning"]', 'Conforme aux objectifs de la CTG')
    Select(rev.css('select[name="feaOpinion"]')).select_by_value('FAVOURABLE')
    rev.type('textarea[name="feaReasoning"]', 'Faisable sous le secret statistique')
    Select(rev.css('select[name="decision"]')).select_by_value('APPROVE')
    chk.page(rev, 'reviewer-decision')
    rev.driver.find_element('xpath', "//button[text()='Enregistrer']").click()
    rev.wait(lambda d: 'Décision enregistrée' in d.find_element('id', 'status').text, 'approved')
    check('Approuvée' in rev.css('main').text, 'request approved, shown to the reviewer')

    # ---- requester downloads with the receipt verified
    req.open('#/demande/' + rid).wait_title('Demande ' + rid)
    req.wait_css('#download').click()
    verdict = req.wait_css('#receipt-verdict', 'receipt verdict')
    check(verdict.text == 'Reçu vérifié.', 'extract receipt verified in the browser: ' + req.css('#extract').text)
    check('Source : Caf de la Gironde' in req.css('#extract').text, 'extract carries the source mention')
    req.driver.execute_script("document.getElementById('extract').scrollIntoView()")
    chk.page(req, 'requester-extract-receipt')
    ids.update(transfer_journey(gw, tmp, chk, req, rev))
    req.open('#/demandes').wait_title('Demandes de la commune')
    req.wait_css('table tbody tr')
    chk.page(req, 'requester-requests')
    req.close()

    # ---- another commune: NOT_FOUND, as over gRPC
    other = Browser(gw, 'requester-33162', tmp)
    other.open('#/demande/' + rid)
    other.wait(lambda d: 'NOT_FOUND' in d.find_element('id', 'status').text, 'other commune refused')
    check('Introuvable' in other.status(), "another commune's request is Introuvable")
    other.close()
    rev.close()

    # ---- auditor: events, proof verified in the browser, R13 report
    aud = Browser(gw, 'auditor', tmp)
    aud.open('#/audit?requestId=' + rid).wait_title("Journal d'audit")
    aud.wait_css('table tbody tr button')
    chk.page(aud, 'auditor-events')
    aud.driver.find_elements('css selector', 'table tbody tr button')[-1].click()
    verdict = aud.wait_css('#proof-verdict', 'proof verdict')
    check(verdict.text == 'Preuve vérifiée dans le navigateur.', 'inclusion proof verified: ' + aud.css('#proof').text)
    check('Signature Ed25519' in aud.css('#proof').text and 'ne sait pas' not in aud.css('#proof').text,
          'Chromium verified the Ed25519 checkpoint signature')
    chk.page(aud, 'auditor-proof')
    aud.open('#/rapport').wait_title('Évaluation')
    aud.wait_css('table.report')
    check('Source : Caf de la Gironde' in aud.css('main').text, 'R13 report carries the source mention')
    check(len(aud.driver.find_elements('css selector', 'figure.chart figcaption.source')) == 2, 'each chart has its source')
    agreements = [c.text for c in aud.driver.find_elements('css selector', '#agreements-row td')]
    check(agreements[:4] == ['2', '1', '1', '0'], 'R13 counts the agreements: 2 asked, 1 approved, 1 rejected ' + str(agreements))
    check(aud.driver.find_elements('id', 'caf-requests-row'), "R13 has the Caf's requests to communes (auditor)")
    chk.page(aud, 'auditor-report')
    aud.close()

    ids.update(caf_journey(gw, tmp, chk))

    # ---- administrator: import (a bad file, then the good one), conventions
    adm = Browser(gw, 'admin', tmp)
    bad = os.path.join(tmp, 'bad.csv')
    with open(data + '/statistics-2023.csv') as f:
        lines = f.read().splitlines()
    lines[2] = lines[2].rsplit(',', 1)[0] + ',douze'
    with open(bad, 'w') as f:
        f.write('\n'.join(lines) + '\n')
    adm.open('#/import').wait_title('Import')
    adm.type('input[name="period"]', '2023')
    adm.css('input[name="file"]').send_keys(bad)
    adm.css('form button[type="submit"]').click()
    adm.wait(lambda d: 'INVALID_ARGUMENT' in d.find_element('id', 'status').text or
             'FAILED_PRECONDITION' in d.find_element('id', 'status').text, 'bad import refused')
    chk.page(adm, 'admin-import-errors')
    adm.open('#/conventions').wait_title('Conventions')
    adm.open('#/import').wait_title('Import')
    adm.type('input[name="period"]', '2023')
    adm.css('input[name="file"]').send_keys(data + '/statistics-2023.csv')
    adm.css('form button[type="submit"]').click()
    adm.wait(lambda d: 'importée' in d.find_element('id', 'status').text, 'import done', timeout=120)
    chk.page(adm, 'admin-import')
    adm.open('#/conventions').wait_title('Conventions')
    adm.wait_css('table tbody tr button')
    chk.page(adm, 'admin-conventions')
    adm.driver.find_element('xpath', "//tr[td[text()='CTG-33069-1']]//button[text()='Résilier']").click()
    box = adm.wait_css('.confirm')
    check('CTG-33069-1' in box.text and 'prendra fin' in box.text and 'approbations' in box.text,
          'termination confirmation says what it ends before confirming')
    chk.page(adm, 'admin-terminate-confirm')
    adm.type('.confirm input[name="reason"]', 'Fin du partenariat')
    adm.driver.find_element('xpath', "//button[text()='Confirmer : résilier']").click()
    adm.wait(lambda d: 'Résiliation notifiée' in d.find_element('id', 'status').text, 'termination notified')
    adm.close()
    return ids


def queue_paging(rev, newest, oldest):
    """The reviewer's queue, paged by the server: one request a page, the
    pager, the state filter and the order (oldest first) used with the
    keyboard only."""
    from selenium.webdriver.common.keys import Keys
    rows = lambda d: d.find_elements('css selector', 'table tbody tr')
    rev.open('#/file?n=1').wait_title("File d'étude")
    rev.wait(lambda d: len(rows(d)) == 1 and newest in rows(d)[0].text, 'page 1 holds the newest request only')
    rev.css('#next-page').send_keys(Keys.ENTER)
    rev.wait(lambda d: 'Page 2' in d.find_element('id', 'page-number').text and len(rows(d)) == 1
             and oldest in rows(d)[0].text, 'page 2 holds the older request')
    # A full page may end the list: its token then leads to an empty page,
    # which has no next page.
    if rev.driver.find_elements('id', 'next-page'):
        rev.css('#next-page').send_keys(Keys.ENTER)
        rev.wait(lambda d: 'Page 3' in d.find_element('id', 'page-number').text, 'page 3')
        check(not rows(rev.driver) and 'Aucune demande' in rev.css('#view').text, 'page 3 is empty: the end')
    check(not rev.driver.find_elements('id', 'next-page'), 'the last page has no next page')
    rev.open('#/file?n=1').wait_title("File d'étude")
    rev.wait_css('#next-page').send_keys(Keys.ENTER)
    rev.wait(lambda d: 'Page 2' in d.find_element('id', 'page-number').text, 'page 2 again')
    rev.css('#prev-page').send_keys(Keys.ENTER)
    rev.wait(lambda d: 'Page 1' in d.find_element('id', 'page-number').text and newest in rows(d)[0].text,
             'back to page 1 by the previous-page link')
    select = rev.css('#state-filter')
    select.send_keys(Keys.END)  # the last state (Expirée): none is
    rev.css('#list-filters button').send_keys(Keys.ENTER)
    rev.wait(lambda d: 'Aucune demande.' in d.find_element('id', 'view').text and 'etat=EXPIRED' in d.current_url,
             'the state filter asks the server: no expired request')
    # Oldest first, as a reviewer works the queue: its own address, paged.
    rev.open('#/file?n=1&ordre=anciennes').wait_title("File d'étude")
    rev.wait(lambda d: len(rows(d)) == 1 and oldest in rows(d)[0].text, 'oldest first: page 1 holds the older request')
    rev.css('#next-page').send_keys(Keys.ENTER)
    rev.wait(lambda d: 'Page 2' in d.find_element('id', 'page-number').text and newest in rows(d)[0].text
             and 'ordre=anciennes' in d.current_url, 'oldest first: page 2 holds the newer request')
    rev.open('#/file?n=1').wait_title("File d'étude")
    rev.wait(lambda d: len(rows(d)) == 1 and newest in rows(d)[0].text, 'newest first again')
    rev.css('#order-filter').send_keys(Keys.END)  # "Les plus anciennes d'abord"
    rev.css('#list-filters button').send_keys(Keys.ENTER)
    rev.wait(lambda d: 'ordre=anciennes' in d.current_url and rows(d) and oldest in rows(d)[0].text,
             'the order control asks the server oldest first')
    check(True, 'queue paged by the server, pager and filter usable from the keyboard')


def transfer_journey(gw, tmp, chk, req, rev):
    """R3: the commune's requester asks the Caf's prior agreement to pass the
    release it just downloaded on; the Caf's reviewer approves one (its
    receipt verified in the browser) and rejects another."""
    from selenium.webdriver.support.ui import Select
    extract = req.css('#transfer-form input[name="extract"]').get_attribute('value')
    check(extract.startswith('EXT-'), 'the transfer form names the release just downloaded: ' + extract)
    req.type('#transfer-form input[name="recipient"]', 'Centre social du Bouscat')
    req.type('#transfer-form textarea[name="purpose"]', "Préparer l'atelier parentalité du quartier")
    req.driver.execute_script("document.getElementById('transfer-form').scrollIntoView()")
    chk.page(req, 'requester-transfer-ask')
    req.css('#transfer-form button[type="submit"]').click()
    req.wait_title('Accord AGR-')
    approved = req.css('#title').text.split()[-1]
    check('Demandé' in req.css('main').text, approved + ' asked, shown as Demandé')
    chk.page(req, 'requester-transfer-agreement')
    # A second one, from the agreements page (the release typed in).
    req.open('#/accords').wait_title('Accords de transmission')
    req.wait_css('a[href="#/accord/%s"]' % approved)
    req.type('#transfer-form input[name="extract"]', extract)
    req.type('#transfer-form input[name="recipient"]', 'Association de quartier')
    req.type('#transfer-form textarea[name="purpose"]', 'Publication sur son site')
    req.css('#transfer-form button[type="submit"]').click()
    req.wait(lambda d: 'Accord AGR-' in d.find_element('id', 'title').text and
             approved not in d.find_element('id', 'title').text, 'second agreement asked')
    rejected = req.css('#title').text.split()[-1]
    req.open('#/accords').wait_title('Accords de transmission')
    req.wait_css('a[href="#/accord/%s"]' % rejected)
    chk.page(req, 'requester-agreements')

    rev.open('#/accords').wait_title('Accords de transmission')
    rev.wait_css('a[href="#/accord/%s"]' % approved)
    chk.page(rev, 'reviewer-agreements')
    for agr, decision, reasons, shown in [(approved, 'APPROVE', 'Partenaire de la CTG, usage dans ses objectifs', 'Accordé'),
                                          (rejected, 'REJECT', "Diffusion publique : hors de l'usage déclaré", 'Refusé')]:
        rev.open('#/accord/' + agr).wait_title('Accord ' + agr)
        Select(rev.wait_css('select[name="decision"]')).select_by_value(decision)
        rev.type('textarea[name="reasons"]', reasons)
        if decision == 'APPROVE':
            chk.page(rev, 'reviewer-agreement-decide')
        rev.driver.find_element('xpath', "//button[text()='Enregistrer la décision']").click()
        verdict = rev.wait_css('#agreement-receipt-verdict', 'decision receipt')
        check(verdict.text == 'Reçu vérifié.', agr + ': the decision receipt is verified in the browser')
        check(shown in rev.css('main').text and reasons in rev.css('main').text, agr + ' ' + shown + ' with its reasons')
        if decision == 'APPROVE':
            chk.page(rev, 'reviewer-agreement-approved')
    return {'extract': extract, 'agreement_approved': approved, 'agreement_rejected': rejected}


def caf_journey(gw, tmp, chk):
    """Article 7, the other direction: the Caf's requester files a request to
    Le Bouscat with a table template; the commune's reviewer starts the
    study and asks, the Caf answers, the commune approves, uploads (a file
    off the template refused first) with the attestation; the Caf downloads
    with the receipt verified. Another request is rejected; Eysines'
    reviewer cannot see Le Bouscat's."""
    from selenium.webdriver.support.ui import Select
    caf = Browser(gw, 'caf-requester', tmp)
    caf.open('#/caf-nouvelle').wait_title('Nouvelle demande de la Caf')
    Select(caf.wait_css('select[name="commune"]')).select_by_value('33069')
    caf.type('textarea[name="purpose"]', "Diagnostic partagé de la CTG : offre d'accueil du jeune enfant par IRIS")
    caf.type('input[name="objective"]', 'Axe II.1 petite enfance')
    caf.type('textarea[name="description"]', 'Places en crèche municipale par IRIS au 31 décembre 2023')
    caf.type('input[name="columns"]', 'territory,period,places_creche')
    caf.type('input[name="territories"]', '330690101,330690102')
    caf.type('input[name="periods"]', '2023')
    caf.type('input[name="recipient"]', 'Service action sociale de la Caf')
    chk.page(caf, 'caf-requester-new-request')
    caf.css('form button[type="submit"]').click()
    caf.wait_title('Demande de la Caf CREQ-')
    cid = caf.css('#title').text.split()[-1]
    check('territory, period, places_creche' in caf.css('#template').text, cid + ' filed with its template')
    chk.page(caf, 'caf-requester-request')
    other = gw.ctg('caf-requester', ['caf-request', 'submit', '--commune', '33069', '--purpose', 'Fréquentation des cantines',
                                     '--objective', 'Axe III.2', '--description', 'Repas servis par mois',
                                     '--recipient', 'Service études']).stdout.split()[0]

    com = Browser(gw, 'commune-reviewer-33069', tmp)
    com.open('#/caf-demandes').wait_title('Demandes de la Caf à la commune')
    com.wait_css('a[href="#/caf-demande/%s"]' % cid)
    chk.page(com, 'commune-reviewer-queue')
    com.open('#/caf-demande/' + cid).wait_title('Demande de la Caf ' + cid)
    com.wait_css('#caf-start').click()
    com.wait(lambda d: 'Étude commencée' in d.find_element('id', 'status').text, 'study started')
    com.type('textarea[name="questions"]', 'Les micro-crèches privées sont-elles incluses ?')
    com.driver.find_element('xpath', "//button[text()='Envoyer les questions']").click()
    com.wait(lambda d: 'Questions envoyées' in d.find_element('id', 'status').text, 'questions sent')

    caf.open('#/caf-demande/' + cid).wait_title('Demande de la Caf ' + cid)
    caf.wait_css('textarea[name="answer"]')
    check('micro-crèches' in caf.css('.questions').text, 'the Caf sees the question')
    chk.page(caf, 'caf-requester-answer')
    caf.type('textarea[name="answer"]', 'Places municipales seulement.')
    caf.driver.find_element('xpath', "//button[text()='Envoyer la réponse']").click()
    caf.wait(lambda d: 'Réponse envoyée' in d.find_element('id', 'status').text, 'answer sent')

    com.open('#/caf-demande/' + cid).wait_title('Demande de la Caf ' + cid)
    Select(com.wait_css('select[name="oppOpinion"]')).select_by_value('FAVOURABLE')
    com.type('textarea[name="oppReasoning"]', 'Utile au diagnostic partagé de la CTG')
    Select(com.css('select[name="feaOpinion"]')).select_by_value('FAVOURABLE')
    com.type('textarea[name="feaReasoning"]', 'Données tenues par le service petite enfance')
    Select(com.css('select[name="decision"]')).select_by_value('APPROVE')
    chk.page(com, 'commune-reviewer-study')
    com.driver.find_element('xpath', "//button[text()='Enregistrer']").click()
    com.wait(lambda d: 'Décision enregistrée' in d.find_element('id', 'status').text, 'approved')
    # A file off the template: refused, nothing stored, the form stays.
    bad = os.path.join(tmp, 'places-bad.csv')
    with open(bad, 'w') as f:
        f.write('territory,places_creche\n330690101,48\n')
    com.wait_css('#upload-form input[name="file"]').send_keys(bad)
    com.css('#attest').click()
    com.css('#upload-form button[type="submit"]').click()
    com.wait(lambda d: 'INVALID_ARGUMENT' in d.find_element('id', 'status').text, 'upload off the template refused')
    check('template' in com.status(), 'the refusal names the template: ' + com.status())
    chk.page(com, 'commune-reviewer-upload-refused')
    good = os.path.join(tmp, 'places-creche-2023.csv')
    with open(good, 'w') as f:
        f.write('territory,period,places_creche\n330690101,2023,48\n330690102,2023,36\n')
    com.open('#/caf-demande/' + cid).wait_title('Demande de la Caf ' + cid)
    com.wait_css('#upload-form input[name="file"]').send_keys(good)
    com.css('#attest').click()
    chk.page(com, 'commune-reviewer-upload')
    com.css('#upload-form button[type="submit"]').click()
    com.wait(lambda d: 'Données déposées' in d.find_element('id', 'status').text, 'data uploaded')
    check('aucune donnée personnelle' in com.css('#upload').text, 'the upload shows the attestation')
    # The other request: rejected with reasons.
    com.open('#/caf-demande/' + other).wait_title('Demande de la Caf ' + other)
    com.wait_css('#caf-start').click()
    com.wait(lambda d: 'Étude commencée' in d.find_element('id', 'status').text, 'study of the second started')
    Select(com.wait_css('select[name="oppOpinion"]')).select_by_value('UNFAVOURABLE')
    com.type('textarea[name="oppReasoning"]', 'Données déjà publiées')
    Select(com.css('select[name="feaOpinion"]')).select_by_value('FAVOURABLE')
    com.type('textarea[name="feaReasoning"]', 'Données disponibles')
    Select(com.css('select[name="decision"]')).select_by_value('REJECT')
    com.type('textarea[name="reasons"]', 'Données déjà publiées en open data')
    com.driver.find_element('xpath', "//button[text()='Enregistrer']").click()
    com.wait(lambda d: 'Décision enregistrée' in d.find_element('id', 'status').text, 'rejected')
    check('Refusée' in com.css('main').text, other + ' rejected')
    com.close()

    eys = Browser(gw, 'commune-reviewer-33162', tmp)
    eys.open('#/caf-demande/' + cid)
    eys.wait(lambda d: 'NOT_FOUND' in d.find_element('id', 'status').text, 'other commune refused')
    check('Introuvable' in eys.status(), "Eysines' reviewer: Le Bouscat's request is Introuvable")
    eys.close()

    caf.open('#/caf-demande/' + cid).wait_title('Demande de la Caf ' + cid)
    caf.wait_css('#caf-download').click()
    verdict = caf.wait_css('#caf-receipt-verdict', 'download receipt verdict')
    check(verdict.text == 'Reçu vérifié.', "the commune's data and the download receipt verified: " + caf.css('#caf-data').text)
    caf.driver.execute_script("document.getElementById('caf-data').scrollIntoView()")
    chk.page(caf, 'caf-requester-download-receipt')
    caf.open('#/caf-demandes').wait_title('Demandes de la Caf')
    caf.wait_css('a[href="#/caf-demande/%s"]' % other)
    chk.page(caf, 'caf-requester-requests')
    caf.close()

    # The auditor reads both lists (no action offered).
    aud = Browser(gw, 'auditor', tmp)
    aud.open('#/caf-demandes').wait_title('Demandes de la Caf')
    aud.wait_css('a[href="#/caf-demande/%s"]' % cid)
    chk.page(aud, 'auditor-caf-requests')
    aud.open('#/caf-demande/' + cid).wait_title('Demande de la Caf ' + cid)
    aud.wait_css('#upload')
    check(not aud.driver.find_elements('css selector', 'section[aria-label="Actions"]'), 'the auditor gets no action')
    aud.open('#/accords').wait_title('Accords de transmission')
    aud.wait_css('table tbody tr a')
    chk.page(aud, 'auditor-agreements')
    aud.close()
    return {'caf_request': cid, 'caf_rejected': other}


def refused(gw, tmp):
    for client in ['expired', 'revoked']:
        b = Browser(gw, client, tmp)
        from selenium.common.exceptions import WebDriverException
        try:
            try:
                b.driver.get(gw.web + '/')
                time.sleep(0.5)
                text = b.driver.page_source
            except WebDriverException as e:  # Chromium's own error: the handshake failed
                text = str(e)
            check('Console d' not in text, f'{client} certificate: no page served ({text[:80]!r})')
        finally:
            b.close()


def check_events(gw, ids):
    rid = ids['request']
    events = gw.events()
    by = lambda m: [e for e in events if e['method'] == '/ctg.v1.' + m and e['code'] == 0]
    alice = 'spiffe://ctg.caf33.fr/commune/33069/requester/alice.martin'
    submit = [e for e in by('DataRequests/SubmitRequest') if e['target_id'] == rid]
    check(len(submit) == 1 and submit[0]['caller'] == alice, 'one SubmitRequest event by the requester')
    for m in ['DataRequests/StartStudy', 'DataRequests/PreviewFeasibility', 'DataRequests/RequestInformation',
              'DataRequests/AmendRequest', 'DataRequests/DecideRequest']:
        check(any(e['target_id'] == rid or e.get('request_id') == rid for e in by(m)), m + ' recorded for ' + rid)
    releases = [e for e in by('Extracts/GetExtract') if e['caller'] == alice]
    check(len(releases) == 1 and releases[0]['facts'], 'one GetExtract release event with its facts')
    check(any(e['caller'].endswith('/admin/claire.dupont') or '/admin/' in e['caller'] for e in by('Statistics/ImportStatistics')),
          'ImportStatistics recorded for the administrator')
    check(any(e['method'] == '/ctg.v1.Statistics/ImportStatistics' and e['code'] != 0 for e in events),
          'the refused import is recorded too')
    check(any(e['method'] == 'tls-handshake' and 'revoked' in e['message'] for e in events),
          'the revoked certificate refused by the web listener is in the trail')
    other = [e for e in events if e['method'] == '/ctg.v1.DataRequests/GetRequest' and e['code'] == 5]
    check(len(other) >= 1 and '/commune/33162/' in other[0]['caller'], "another commune's GetRequest: NOT_FOUND recorded")
    # Article 7 both ways, and R3: each page action left its event.
    hugo = 'spiffe://ctg.caf33.fr/caf/33/requester/hugo.bernard'
    ines = 'spiffe://ctg.caf33.fr/commune/33069/reviewer/ines.garcia'
    denis = 'spiffe://ctg.caf33.fr/caf/33/reviewer/denis.roux'
    cid, other = ids['caf_request'], ids['caf_rejected']
    on = lambda m, target, who: [e for e in by(m) if e['target_id'] == target and e['caller'] == who]
    check(len(on('CafRequests/SubmitCafRequest', cid, hugo)) == 1, 'SubmitCafRequest recorded for the Caf requester')
    for m, who in [('CafRequests/StartCafRequestStudy', ines), ('CafRequests/RequestCafRequestInformation', ines),
                   ('CafRequests/AmendCafRequest', hugo), ('CafRequests/DecideCafRequest', ines),
                   ('CafRequests/UploadCafRequestData', ines), ('CafRequests/GetCafRequestData', hugo)]:
        check(len(on(m, cid, who)) == 1, m + ' recorded once for ' + cid + ' by ' + who.rsplit('/', 1)[1])
    check(any(e['method'] == '/ctg.v1.CafRequests/UploadCafRequestData' and e['code'] == 3 and e['target_id'] == cid
              for e in events), 'the upload off the template is recorded, refused INVALID_ARGUMENT')
    check(len(on('CafRequests/DecideCafRequest', other, ines)) == 1, 'the rejection of ' + other + ' recorded')
    check(any(e['method'] == '/ctg.v1.CafRequests/GetCafRequest' and e['code'] == 5 and '/commune/33162/' in e['caller']
              for e in events), "Eysines' GetCafRequest: NOT_FOUND recorded")
    agreements = [ids['agreement_approved'], ids['agreement_rejected']]
    asked = [e for e in by('TransferAgreements/RequestTransferAgreement') if e['caller'] == alice
             and e['target_id'] in agreements and ids['extract'] in json.dumps(e['facts'])]
    check(len(asked) == 2, 'two RequestTransferAgreement events by the requester, on ' + ids['extract'])
    for agr in [ids['agreement_approved'], ids['agreement_rejected']]:
        check(len(on('TransferAgreements/DecideTransferAgreement', agr, denis)) == 1,
              'DecideTransferAgreement recorded for ' + agr + ' by the reviewer')
    # The same shape as the CLI's events: the CLI's GetRequest of the request
    # leaves an event with the same fields (but the peer's port and time).
    gw.ctg('requester-33069', ['request', 'show', rid])
    cli = [e for e in gw.events() if e['method'] == '/ctg.v1.DataRequests/GetRequest' and e['caller'] == alice]
    web, via_cli = cli[-2], cli[-1]
    keys = ['caller', 'cert_sha256', 'method', 'target_kind', 'target_id', 'code', 'message', 'facts']
    check(all(web[k] == via_cli[k] for k in keys), 'a web GetRequest and a CLI one leave the same event')


class Terminated(Exception):
    pass


def on_signal(signum, frame):
    raise Terminated(f'signal {signum}')


def lock_policy():
    """Waits for the policy lock (held until this process exits) and removes
    the file a run killed while holding it left behind."""
    os.makedirs(os.path.dirname(POLICY_LOCK), exist_ok=True)
    lock = open(POLICY_LOCK, 'a')
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        log('waiting for another browser test run (lock ' + POLICY_LOCK + ')')
        fcntl.flock(lock, fcntl.LOCK_EX)
    if os.path.exists(POLICY_FILE):
        log('removing ' + POLICY_FILE + ' left by a run that was killed')
        os.remove(POLICY_FILE)
    return lock


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--build', required=True)
    ap.add_argument('--source', required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--update-docs', action='store_true', help='also copy screenshots to docs/screenshots')
    args = ap.parse_args()
    for tool in ['chromium', 'chromedriver', 'certutil', 'pk12util']:
        if shutil.which(tool) is None:
            print(f'SKIPPED: {tool} is not installed (Debian: chromium chromium-driver libnss3-tools); '
                  'the browser tests need it', flush=True)
            return SKIP
    try:
        import selenium  # noqa: F401
    except ImportError:
        print('SKIPPED: python3-selenium is not installed', flush=True)
        return SKIP
    if os.geteuid() != 0:
        print('SKIPPED: the browser tests write a Chromium policy under /etc (run as root)', flush=True)
        return SKIP
    os.makedirs(args.out, exist_ok=True)
    # A run stopped by ctest (timeout) or by hand still cleans up (finally).
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, on_signal)
    lock = lock_policy()
    tmp = tempfile.mkdtemp(prefix='ctg-browser-')
    gw = None
    try:
        gw = Gateway(args.build, args.source, tmp)
        log('gateway on ' + ('PostgreSQL (CTG_TEST_PG_DIR)' if pg_cluster_env() else 'SQLite'))
        os.makedirs(POLICY_DIR, exist_ok=True)
        with open(POLICY_FILE, 'w') as f:
            json.dump({'AutoSelectCertificateForUrls': [json.dumps({'pattern': gw.web, 'filter': {}})]}, f)
        data = gw.load_demo()
        chk = Checker(args.source, args.out, args.update_docs)
        ids = journey(gw, tmp, chk, data)
        refused(gw, tmp)
        check_events(gw, ids)
        with open(os.path.join(args.out, 'axe-results.json'), 'w') as f:
            json.dump(chk.results, f, indent=1, ensure_ascii=False)
        log('axe-core: ' + ', '.join(f'{k}: {v["serious_or_critical"]} serious/critical, '
                                     f'{len(v["violations"])} in all' for k, v in chk.results.items()))
        log('PASSED')
        return 0
    except (Failure, Terminated) as e:
        log('FAILED:', e)
        return 1
    finally:
        # Signals no longer interrupt the clean-up itself.
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(sig, signal.SIG_IGN)
        if os.path.exists(POLICY_FILE):
            os.remove(POLICY_FILE)
        lock.close()  # releases the flock
        if gw:
            gw.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == '__main__':
    sys.exit(main())
