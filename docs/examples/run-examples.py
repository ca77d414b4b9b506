# Runs each curl line of api-examples.txt against a node on localhost:4001 and prints the
# markdown body of docs/api.md (prose, command, output). Start a fresh node first: bin/raftlite /tmp/x
import subprocess, sys
lines = open('docs/examples/api-examples.txt').read().splitlines()
out = []
for l in lines:
    if l.startswith('## '):
        out.append(''); out.append(l); out.append('')
    elif l.startswith('curl '):
        r = subprocess.run(['bash', '-c', l], capture_output=True, text=True, timeout=60)
        res = r.stdout.rstrip('\n')
        out.append('```sh'); out.append(l); out.append('```')
        lang = 'json' if res.startswith('{') else 'text'
        out.append('```' + lang); out.append(res); out.append('```'); out.append('')
    else:
        out.append(l); out.append('')
print('\n'.join(out))
