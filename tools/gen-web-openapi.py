#!/usr/bin/python3
"""Writes the OpenAPI 3.0 description of the web console's JSON API
(docs/web-api.openapi.json) from the protos, so that it cannot drift from
them: one POST path per ctg.v1 method, its request and response messages in
protobuf's JSON mapping (lowerCamelCase names, enums as names, 64-bit
integers and bytes as strings, Timestamp as RFC 3339), server-streaming
answers as arrays, client-streaming bodies as arrays (docs/web-api.md).

  tools/gen-web-openapi.py [--out docs/web-api.openapi.json]

Needs protoc and python3-protobuf (Debian 12).
"""
import argparse
import json
import os
import subprocess
import tempfile

from google.protobuf import descriptor_pb2

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')
FD = descriptor_pb2.FieldDescriptorProto
SCALARS = {
    FD.TYPE_DOUBLE: {'type': 'number'}, FD.TYPE_FLOAT: {'type': 'number'},
    FD.TYPE_INT64: {'type': 'string', 'format': 'int64'}, FD.TYPE_UINT64: {'type': 'string', 'format': 'uint64'},
    FD.TYPE_SINT64: {'type': 'string', 'format': 'int64'}, FD.TYPE_FIXED64: {'type': 'string', 'format': 'uint64'},
    FD.TYPE_SFIXED64: {'type': 'string', 'format': 'int64'},
    FD.TYPE_INT32: {'type': 'integer', 'format': 'int32'}, FD.TYPE_SINT32: {'type': 'integer', 'format': 'int32'},
    FD.TYPE_SFIXED32: {'type': 'integer', 'format': 'int32'},
    FD.TYPE_UINT32: {'type': 'integer', 'format': 'int64', 'minimum': 0},
    FD.TYPE_FIXED32: {'type': 'integer', 'format': 'int64', 'minimum': 0},
    FD.TYPE_BOOL: {'type': 'boolean'}, FD.TYPE_STRING: {'type': 'string'},
    FD.TYPE_BYTES: {'type': 'string', 'format': 'byte'},
}
WELL_KNOWN = {'.google.protobuf.Timestamp': {'type': 'string', 'format': 'date-time'}}
ERROR = {'type': 'object', 'required': ['code', 'status', 'message'], 'properties': {
    'code': {'type': 'integer', 'description': 'gRPC status code'},
    'status': {'type': 'string', 'description': 'gRPC status name, e.g. NOT_FOUND'},
    'message': {'type': 'string', 'description': 'the gRPC status message, as over gRPC'},
    'detail': {'type': 'string', 'description': "why the body is not the method's message (JSON parser)"}}}


def ref(name):
    return {'$ref': '#/components/schemas/' + name.lstrip('.')}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--out', default=os.path.join(ROOT, 'docs/web-api.openapi.json'))
    args = ap.parse_args()
    protos = sorted(os.path.join('ctg/v1', f) for f in os.listdir(os.path.join(ROOT, 'proto/ctg/v1')) if f.endswith('.proto'))
    with tempfile.NamedTemporaryFile(suffix='.pb') as ds:
        subprocess.run(['protoc', '-I', os.path.join(ROOT, 'proto'), '-I', '/usr/include', '--include_imports',
                        '--descriptor_set_out=' + ds.name] + protos, check=True)
        files = descriptor_pb2.FileDescriptorSet.FromString(open(ds.name, 'rb').read()).file
    schemas, paths = {}, {}

    def add_enum(full, enum):
        schemas[full.lstrip('.')] = {'type': 'string', 'enum': [v.name for v in enum.value]}

    def add_message(full, msg):
        for nested in msg.nested_type:
            add_message(full + '.' + nested.name, nested)
        for enum in msg.enum_type:
            add_enum(full + '.' + enum.name, enum)
        props = {}
        for f in msg.field:
            if f.type in (FD.TYPE_MESSAGE, FD.TYPE_ENUM):
                s = WELL_KNOWN.get(f.type_name) or ref(f.type_name)
            else:
                s = dict(SCALARS[f.type])
            if f.label == FD.LABEL_REPEATED:
                s = {'type': 'array', 'items': s}
            props[f.json_name] = s
        schemas[full.lstrip('.')] = {'type': 'object', 'additionalProperties': False, 'properties': props}

    for fd in files:
        if not fd.package.startswith('ctg.'):
            continue
        for enum in fd.enum_type:
            add_enum('.' + fd.package + '.' + enum.name, enum)
        for msg in fd.message_type:
            add_message('.' + fd.package + '.' + msg.name, msg)
        for svc in fd.service:
            for m in svc.method:
                req, resp = ref(m.input_type), ref(m.output_type)
                if m.client_streaming:
                    req = {'type': 'array', 'items': req}
                if m.server_streaming:
                    resp = {'type': 'array', 'items': resp}
                errors = {str(code): {'description': desc, 'content': {'application/json': {'schema': ref('WebApiError')}}}
                          for code, desc in [(400, 'INVALID_ARGUMENT / FAILED_PRECONDITION'), (401, 'UNAUTHENTICATED'),
                                             (403, 'PERMISSION_DENIED (role, tenancy, CSRF)'), (404, 'NOT_FOUND'),
                                             (413, 'body over web.max_body_bytes'), (429, 'RESOURCE_EXHAUSTED'),
                                             (503, 'UNAVAILABLE')]}
                paths[f'/api/{fd.package}.{svc.name}/{m.name}'] = {'post': {
                    'operationId': f'{svc.name}_{m.name}', 'tags': [svc.name],
                    'summary': f'{fd.package}.{svc.name}/{m.name}' +
                               (' (server streaming: a JSON array of the messages)' if m.server_streaming else '') +
                               (' (client streaming: a JSON array of the messages)' if m.client_streaming else ''),
                    'parameters': [{'name': 'X-CSRF-Token', 'in': 'header', 'required': True, 'schema': {'type': 'string'},
                                    'description': 'the token of GET /session, equal to the __Host-ctg_csrf cookie'}],
                    'requestBody': {'required': True, 'content': {'application/json': {'schema': req}}},
                    'responses': {'200': {'description': 'the response message', 'content': {'application/json': {'schema': resp}}},
                                  **errors}}}
    schemas['WebApiError'] = ERROR
    doc = {'openapi': '3.0.3',
           'info': {'title': 'ctg-gateway web console JSON API', 'version': 'ctg.v1',
                    'description': 'Generated from proto/ctg/v1 by tools/gen-web-openapi.py; see docs/web-api.md. '
                                   'Authentication: a client certificate (mutual TLS); every call also carries the CSRF token.'},
           'servers': [{'url': 'https://127.0.0.1:8444', 'description': 'the demo (tools/run-demo.sh)'}],
           'paths': dict(sorted(paths.items())),
           'components': {'schemas': dict(sorted(schemas.items()))}}
    with open(args.out, 'w') as f:
        json.dump(doc, f, indent=1, ensure_ascii=False)
        f.write('\n')
    print(f'{args.out}: {len(paths)} methods, {len(schemas)} schemas')


if __name__ == '__main__':
    main()
