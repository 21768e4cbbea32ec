#!/usr/bin/env python3
"""Writes the differential corpus (Tests/JinjaTests/Corpus/*.json) from compact case tables.

Each case: {name, source, context, autoescape?, templates?, options?, template_name?}.
Expected outcomes are not stored: the Swift test asks Python's Jinja2 (jinja_oracle.py) every run.
"""
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "JinjaTests", "Corpus")

users = [
    {"name": "Alice", "age": 31, "email": "alice@example.com", "active": True, "role": "admin", "score": 9.5},
    {"name": "bob", "age": 25, "email": "bob@example.org", "active": False, "role": "user", "score": 7.25},
    {"name": "Carol", "age": 42, "email": "carol@example.net", "active": True, "role": "user", "score": 8.0},
    {"name": "dave", "age": 25, "email": None, "active": True, "role": "guest", "score": 3},
]
ctx = {
    "users": users,
    "n": 42, "f": 3.14159, "neg": -7, "zero": 0, "big": 1234567, "half": 2.5,
    "s": "Hello World", "html": "<b>Tom & \"Jerry\"</b> 'x'", "empty": "", "words": "the quick brown fox jumps over the lazy dog",
    "items": [3, 1, 2], "strs": ["banana", "Apple", "cherry", "apple"], "d": {"b": 2, "a": 1, "C": 3},
    "nested": {"a": {"b": {"c": "deep"}}, "list": [10, 20, 30]}, "none": None, "t": True, "fl": False,
    "pairs": [["a", 1], ["b", 2]], "long": "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua.",
    "unicode": "Grüße aus Köln – naïve café ☕",
    "multi": "line one\nline two\n\nline four",
}

cases = {}


def add(group, name, source, context=None, **kw):
    c = {"name": f"{group}/{name}", "source": source, "context": ctx if context is None else context}
    c.update(kw)
    cases.setdefault(group, []).append(c)


# ---------------------------------------------------------------- expressions / values
E = [
    ("int", "{{ 42 }}"), ("float", "{{ 1.0 }} {{ 0.1 }} {{ 1e20 }} {{ 1.5e-7 }} {{ 123456789.123 }} {{ 1e16 }} {{ 1e15 }}"),
    ("float_ops", "{{ 0.1 + 0.2 }} {{ 1 / 3 }} {{ 2 / 2 }} {{ 10 / 4 }} {{ 7 // 2 }} {{ -7 // 2 }} {{ 7 % 3 }} {{ -7 % 3 }} {{ 7 % -3 }}"),
    ("float_floor", "{{ 7.5 // 2 }} {{ -7.5 % 2 }} {{ 2 ** 10 }} {{ 2 ** -1 }} {{ 2 ** 3 ** 2 }} {{ 2.0 ** 2 }}"),
    ("bools", "{{ true }} {{ false }} {{ True }} {{ none }} {{ None }} {{ not none }}"),
    ("list_repr", "{{ [1, 'a', 2.0, none, true, [1], {'k': 'v'}] }}"),
    ("tuple_repr", "{{ (1, 2) }} {{ (1,) }} {{ () }} {{ ('a', \"b'c\") }}"),
    ("dict_repr", "{{ {'a': 1, 'b': [1, 2], 3: 'x'} }} {{ {} }}"),
    ("string_repr_quotes", "{{ [\"it's\", 'say \"hi\"', 'both \\' \"', 'nl\\nx', 'tab\\t'] }}"),
    ("unicode_repr", "{{ [unicode] }} {{ unicode }}"),
    ("string_escapes", "{{ 'a\\tb\\\\c\\x41\\u00e9' }}"),
    ("concat", "{{ 'a' ~ 1 ~ none ~ true ~ [1] }}"),
    ("str_add", "{{ 'a' + 'b' }} {{ [1] + [2] }} {{ (1,) + (2,) }} {{ 'ab' * 3 }} {{ [0] * 3 }}"),
    ("compare_chain", "{{ 1 < 2 < 3 }} {{ 1 < 3 < 2 }} {{ 1 == 1.0 }} {{ 'a' < 'b' }} {{ [1, 2] < [1, 3] }} {{ 2 >= 2 }} {{ 1 != 2 }}"),
    ("in", "{{ 1 in items }} {{ 5 not in items }} {{ 'ell' in s }} {{ 'a' in d }} {{ 'z' in d }}"),
    ("and_or", "{{ 0 or 'x' }} {{ 1 and 'y' }} {{ none or [] }} {{ '' and 'z' }} {{ not 0 }}"),
    ("condexpr", "{{ 'yes' if t else 'no' }} {{ 'yes' if fl else 'no' }} [{{ 'only' if fl }}]"),
    ("attr_item", "{{ nested.a.b.c }} {{ nested['a']['b'] }} {{ nested.list[1] }} {{ nested.list.0 }} {{ nested.list[-1] }}"),
    ("slices", "{{ items[1:] }} {{ items[:2] }} {{ items[::-1] }} {{ s[0:5] }} {{ s[::2] }} {{ s[-5:] }} {{ items[5:] }}"),
    ("missing_attr", "[{{ nested.nope }}][{{ nested.list[10] }}][{{ missing }}]"),
    ("neg_pos", "{{ -n }} {{ +n }} {{ -f }} {{ --3 }} {{ -(1 + 2) }}"),
    ("math_precedence", "{{ 1 + 2 * 3 }} {{ (1 + 2) * 3 }} {{ 10 - 2 - 3 }} {{ 2 * 3 ~ 4 }} {{ -2 ** 2 }}"),
    ("int_literals", "{{ 1_000 }} {{ 0x1F }} {{ 0o17 }} {{ 0b101 }} {{ 1_0.5 }}"),
    ("string_methods", "{{ s.upper() }} {{ s.lower() }} {{ '  x '.strip() }} {{ s.split() }} {{ 'a,b,,c'.split(',') }} {{ s.replace('o', '0') }}"),
    ("string_methods2", "{{ s.startswith('He') }} {{ s.endswith(('x', 'ld')) }} {{ s.title() }} {{ 'hello'.capitalize() }} {{ s.count('o') }} {{ s.find('W') }} {{ s.find('z') }}"),
    ("string_methods3", "{{ '-'.join(['a', 'b']) }} {{ 'x'.center(7, '*') }} {{ 'ab'.ljust(5) }}| {{ '42'.zfill(5) }} {{ 'abc'.isalpha() }} {{ '12'.isdigit() }} {{ 'a b c'.rsplit(' ', 1) }}"),
    ("str_format_method", "{{ '{} and {}'.format('a', 1) }} {{ '{0}{1}{0}'.format('x', 'y') }} {{ '{name}!'.format(name='Bob') }} {{ '{:>5}|{:<4}|{:^6}'.format('r', 'l', 'c') }} {{ '{:.2f} {:05d} {:,}'.format(3.14159, 42, 1234567) }}"),
    ("percent_format", "{{ '%s is %d years' % ('Bob', 30) }} {{ '%.2f' % 3.14159 }} {{ '%5s|%-5s|' % ('a', 'b') }} {{ '%05.1f' % 2.25 }} {{ '%x %X %o' % (255, 255, 8) }} {{ '%(a)s-%(b)s' % {'a': 1, 'b': 2} }} {{ '%r' % 'q' }} {{ '%%' % () }}"),
    ("dict_methods", "{{ d.items()|list }} {{ d.keys()|list }} {{ d.values()|list }} {{ d.get('a') }} {{ d.get('zz', 'dflt') }} {{ d.get('zz') }}"),
    ("list_methods", "{{ items.index(2) }} {{ items.count(3) }} {{ [1, 2, 1].count(1) }}"),
    ("append_pattern", "{% set acc = [] %}{% for u in users %}{% set _ = acc.append(u.name) %}{% endfor %}{{ acc }}"),
    ("dict_update", "{% set m = {} %}{% set _ = m.update({'k': 1}) %}{{ m }}{{ m.pop('k') }}{{ m }}"),
    ("range", "{{ range(5)|list }} {{ range(2, 10, 3)|list }} {{ range(5, 0, -1)|list }} {{ range(0)|list }}"),
    ("dict_global", "{{ dict(a=1, b='x') }} {{ dict([('k', 'v')]) }}"),
    ("python_len_via_filter", "{{ users|length }} {{ s|length }} {{ d|count }}"),
    ("implicit_str_concat", "{{ 'a' 'b' \"c\" }}"),
    ("nested_data_print", "{{ users[0] }}"),
    ("bool_arith", "{{ true + 1 }} {{ false * 3 }} {{ true == 1 }}"),
    ("float_int_compare", "{{ 1 == 1.0 }} {{ 2.5 > 2 }} {{ [1, 2.0] == [1.0, 2] }}"),
    ("large_ints", "{{ 2 ** 62 }} {{ 9007199254740993 }} {{ -9223372036854775807 }}"),
    ("float_repr_more", "{{ 100.0 }} {{ 1e-4 }} {{ 0.0001234 }} {{ -0.0 }} {{ 3.0 * 1.1 }} {{ 1e22 }} {{ 12345678901234567.0 }} {{ 0.5 }} {{ 2.675 }}"),
    ("none_compare", "{{ none == none }} {{ none is none }} {{ missing == none }}"),
    ("getattr_on_string", "[{{ s.nonexistent }}]"),
    ("subscript_string", "{{ s[0] }}{{ s[-1] }}{{ unicode[3] }}"),
    ("tuple_in_for", "{% for a, b in pairs %}{{ a }}={{ b }};{% endfor %}"),
    ("loop_over_dict", "{% for k in d %}{{ k }}{% endfor %} {% for k, v in d.items() %}{{ k }}{{ v }}{% endfor %}"),
    ("loop_over_string", "{% for c in 'abc' %}[{{ c }}]{% endfor %}"),
    ("undefined_print", "[{{ missing }}][{{ missing|default('d') }}][{{ missing is defined }}]"),
]
for n, src in E:
    add("expr", n, src)

# ---------------------------------------------------------------- filters
F = [
    ("abs", "{{ -3|abs }} {{ neg|abs }} {{ -2.5|abs }}"),
    ("attr", "{{ users[0]|attr('name') }} [{{ d|attr('a') }}] {{ (d|attr('items'))()|list }}"),
    ("batch", "{{ range(7)|batch(3)|list }} {{ range(7)|batch(3, 'x')|list }}"),
    ("capitalize", "{{ 'hELLO wORLD'|capitalize }} {{ ''|capitalize }}"),
    ("center", "[{{ 'abc'|center(9) }}] [{{ 'abcd'|center(9) }}] [{{ 'x'|center }}]"),
    ("count", "{{ items|count }}"),
    ("default", "{{ missing|default('x') }} {{ none|default('x') }} {{ ''|default('x') }} {{ ''|default('x', true) }} {{ 0|d('z', boolean=true) }} {{ missing|d }}"),
    ("dictsort", "{{ d|dictsort }} {{ d|dictsort(true) }} {{ d|dictsort(by='value') }} {{ d|dictsort(reverse=true) }}"),
    ("escape", "{{ html|e }} {{ html|escape }} {{ 42|e }} {{ none|e }}"),
    ("filesizeformat", "{{ 0|filesizeformat }} {{ 1|filesizeformat }} {{ 999|filesizeformat }} {{ 1000|filesizeformat }} {{ 123456789|filesizeformat }} {{ 1024|filesizeformat(true) }} {{ 1e30|filesizeformat }} {{ 2048.5|filesizeformat(binary=true) }}"),
    ("first_last", "{{ items|first }} {{ items|last }} {{ 'abc'|first }} [{{ []|first }}]"),
    ("float", "{{ '3.5'|float }} {{ 'x'|float }} {{ 'x'|float(1.5) }} {{ 3|float }} {{ ' 2 '|float }} {{ 'inf'|float }}"),
    ("forceescape", "{{ html|forceescape }} {{ html|safe|forceescape }}"),
    ("format", "{{ '%s-%s'|format('a', 'b') }} {{ '%(x)s!'|format(x='y') }} {{ '%5.2f'|format(3.14159) }} {{ '%d items'|format(3) }}"),
    ("groupby", "{% for g in users|groupby('role') %}{{ g.grouper }}:{{ g.list|map(attribute='name')|join(',') }};{% endfor %}"),
    ("groupby_tuple", "{% for role, us in users|groupby('role') %}{{ role }}={{ us|length }} {% endfor %}{{ users|groupby('age')|map(attribute='grouper')|list }}"),
    ("groupby_default", "{{ users|groupby('email', default='none')|map(attribute='grouper')|list }}"),
    ("indent", "{{ multi|indent }}|{{ multi|indent(2, true) }}|{{ multi|indent('> ', blank=true) }}|{{ 'x\n'|indent }}|"),
    ("int", "{{ '42'|int }} {{ '4.9'|int }} {{ 'x'|int }} {{ 'x'|int(-1) }} {{ '0x1A'|int(0, 16) }} {{ 3.99|int }} {{ -3.99|int }} {{ ' 7 '|int }} {{ '1_000'|int }}"),
    ("items", "{{ d|items|list }} {{ missing|items|list }}"),
    ("join", "{{ items|join }} {{ items|join(', ') }} {{ users|join(' | ', attribute='name') }}"),
    ("length", "{{ 'abc'|length }} {{ unicode|length }} {{ {}|length }}"),
    ("list", "{{ 'abc'|list }} {{ d|list }} {{ range(3)|list }}"),
    ("lower_upper", "{{ s|lower }} {{ s|upper }} {{ unicode|upper }}"),
    ("map", "{{ users|map(attribute='name')|list }} {{ strs|map('upper')|list }} {{ items|map('string')|join('-') }} {{ users|map(attribute='missing', default='?')|list }}"),
    ("map_nested_attr", "{{ [nested]|map(attribute='a.b.c')|list }} {{ pairs|map(attribute='0')|list }}"),
    ("max_min", "{{ items|max }} {{ items|min }} {{ strs|max }} {{ strs|min }} {{ strs|max(case_sensitive=true) }} {{ users|max(attribute='age') }} [{{ []|max }}]"),
    ("pprint", "{{ d|pprint }} {{ users[0]|pprint }} {{ 'x'|pprint }}"),
    ("pprint_long", "{{ users|pprint }}"),
    ("reject", "{{ range(10)|reject('odd')|list }} {{ [0, 1, '', 'a', none]|reject|list }}"),
    ("rejectattr", "{{ users|rejectattr('active')|map(attribute='name')|list }} {{ users|rejectattr('age', 'gt', 30)|map(attribute='name')|list }}"),
    ("replace", "{{ s|replace('o', '0') }} {{ 'aaa'|replace('a', 'b', 2) }} {{ s|replace('', '-') }}"),
    ("reverse", "{{ 'abc'|reverse }} {{ items|reverse|list }} {{ unicode|reverse }}"),
    ("round", "{{ 2.5|round }} {{ 3.5|round }} {{ 2.675|round(2) }} {{ 1.2345|round(3) }} {{ 42|round }} {{ 2.1|round(method='ceil') }} {{ 2.9|round(0, 'floor') }} {{ -2.5|round }} {{ 1234.5678|round(-2) }} {{ 15|round(-1) }} {{ 25|round(-1) }} {{ 0.125|round(2) }}"),
    ("round_int_filter", "{{ 3.7|round|int }} {{ (7 / 2)|round }}"),
    ("safe", "{{ html|safe }} {{ 42|safe }}"),
    ("select", "{{ range(10)|select('even')|list }} {{ range(10)|select('divisibleby', 3)|list }} {{ [0, 1, '', 'a']|select|list }} {{ items|select('>', 1)|list }} {{ strs|select('in', ['Apple', 'cherry'])|list }}"),
    ("selectattr", "{{ users|selectattr('active')|map(attribute='name')|join(',') }} {{ users|selectattr('role', 'equalto', 'user')|map(attribute='name')|list }} {{ users|selectattr('email', 'none')|list|length }}"),
    ("slice", "{{ range(10)|slice(3)|list }} {{ range(10)|slice(3, 'x')|list }} {{ range(2)|slice(4)|list }}"),
    ("sort", "{{ items|sort }} {{ items|sort(reverse=true) }} {{ strs|sort }} {{ strs|sort(case_sensitive=true) }} {{ users|sort(attribute='age')|map(attribute='name')|list }} {{ users|sort(attribute='age,name')|map(attribute='name')|list }}"),
    ("sort_stable", "{{ users|sort(attribute='age', reverse=true)|map(attribute='name')|list }}"),
    ("string", "{{ 42|string }} {{ [1, 'a']|string }} {{ none|string }} {{ (html|safe|string) is escaped }}"),
    ("striptags", "{{ '<p>Hello   <b>World</b></p>\n<!-- c --> &amp; x'|striptags }} {{ 'a &lt; b &#39; &quot;'|striptags }}"),
    ("sum", "{{ items|sum }} {{ users|sum(attribute='age') }} {{ items|sum(start=10) }} {{ [0.1, 0.2]|sum }}"),
    ("title", "{{ 'hello world'|title }} {{ \"it's a dog's-life (really) [ok] <x>\"|title }} {{ 'HELLO wORLD'|title }}"),
    ("tojson", "{{ d|tojson }} {{ html|tojson }} {{ users[0]|tojson }} {{ [1, 2.5, none, true]|tojson }} {{ unicode|tojson }} {{ 'x'|tojson(indent=2) }}"),
    ("tojson_indent", "{{ {'b': [1, {'c': 2}], 'a': {}}|tojson(2) }}"),
    ("trim", "[{{ '  x  '|trim }}] [{{ 'xxhixx'|trim('x') }}] [{{ '\t\n y \n'|trim }}]"),
    ("truncate", "{{ long|truncate(20) }}|{{ long|truncate(20, true) }}|{{ long|truncate(20, false, '…') }}|{{ 'short'|truncate(20) }}|{{ 'hello world foo'|truncate(11) }}|{{ 'hello world foo'|truncate(12, leeway=0) }}|{{ long|truncate(30, end='') }}"),
    ("unique", "{{ [1, 2, 1, 3, 2]|unique|list }} {{ strs|unique|list }} {{ strs|unique(case_sensitive=true)|list }} {{ users|unique(attribute='age')|map(attribute='name')|list }}"),
    ("urlencode", "{{ 'a b&c/d?é'|urlencode }} {{ {'q': 'x y', 'n': 1}|urlencode }} {{ [('a', 'b c'), ('d', '&')]|urlencode }}"),
    ("urlize", "{{ 'see http://example.com/x?a=1&b=2, and www.example.org.'|urlize }}"),
    ("urlize_more", "{{ 'mail bob@example.com or (https://a.b/c) or foo.com <http://x.io>'|urlize }} {{ 'http://verylongdomain.example.com/path'|urlize(15) }} {{ 'http://x.org'|urlize(nofollow=true, target='_blank') }}"),
    ("wordcount", "{{ words|wordcount }} {{ 'hello-world foo_bar  baz!'|wordcount }} {{ ''|wordcount }}"),
    ("wordwrap", "{{ long|wordwrap(30) }}"),
    ("wordwrap2", "{{ long|wordwrap(20, wrapstring='<br>') }}|{{ 'averyveryverylongword and more'|wordwrap(10) }}|{{ 'averyveryverylongword and more'|wordwrap(10, false) }}"),
    ("wordwrap_hyphens", "{{ 'state-of-the-art well-known co-operation things'|wordwrap(12) }}|{{ 'state-of-the-art well-known'|wordwrap(12, break_on_hyphens=false) }}"),
    ("wordwrap_paragraphs", "{{ multi|wordwrap(6) }}"),
    ("xmlattr", "<a{{ {'href': '/x?a=1&b=2', 'class': 'btn', 'title': none, 'data-x': '\"q\"'}|xmlattr }}>"),
    ("xmlattr_noautospace", "<a {{ {'id': 'x'}|xmlattr(false) }}>"),
    ("chain", "{{ users|selectattr('active')|sort(attribute='name')|map(attribute='email')|select|join('; ') }}"),
    ("filter_on_expression", "{{ (items + [9])|sort|last }} {{ ('a' ~ 'b')|upper }}"),
    ("random_single", "{{ [7]|random }}"),
    ("lipsum_type", "{{ lipsum(1) is string }}"),
    ("e_markup_concat", "{{ ('<a>'|e) ~ '<b>' }}"),
    ("list_of_markup", "{{ ['<x>'|safe] }}"),
    ("length_undefined", "{{ missing|length }}"),
    ("default_attr", "{{ users[0].nick|default(users[0].name) }}"),
    ("dictsort_mixed", "{{ {'b': 1, 'A': 2, 'a': 3}|dictsort }}"),
    ("sum_floats", "{{ [1, 2.5]|sum }} {{ users|sum(attribute='score') }}"),
    ("float_format_filter", "{{ '%.3e'|format(12345.678) }} {{ '%g'|format(0.00001234) }} {{ '%g'|format(123456789.0) }} {{ '%+d'|format(5) }} {{ '% d'|format(5) }}"),
]
for n, src in F:
    add("filter", n, src)

# ---------------------------------------------------------------- tests
T = [
    ("defined", "{{ n is defined }} {{ missing is defined }} {{ missing is undefined }} {{ none is defined }}"),
    ("none_bool", "{{ none is none }} {{ 0 is none }} {{ true is boolean }} {{ 1 is boolean }} {{ true is true }} {{ 1 is true }} {{ false is false }} {{ 0 is false }}"),
    ("numbers", "{{ 1 is integer }} {{ 1.0 is integer }} {{ 1.0 is float }} {{ true is integer }} {{ 1 is number }} {{ 'x' is number }} {{ true is number }}"),
    ("strings", "{{ 'x' is string }} {{ 1 is string }} {{ 'abc' is lower }} {{ 'ABC' is upper }} {{ 'Abc' is lower }} {{ '123' is upper }}"),
    ("containers", "{{ d is mapping }} {{ items is mapping }} {{ items is sequence }} {{ 'x' is sequence }} {{ 1 is sequence }} {{ d is sequence }} {{ items is iterable }} {{ 1 is iterable }} {{ 'a' is iterable }}"),
    ("callable", "{{ range is callable }} {{ 1 is callable }} {{ s.upper is callable }}"),
    ("oddeven", "{{ 3 is odd }} {{ 3 is even }} {{ 4 is even }} {{ 0 is even }} {{ -1 is odd }}"),
    ("divisibleby", "{{ 9 is divisibleby 3 }} {{ 10 is divisibleby(3) }} {{ 0 is divisibleby 5 }}"),
    ("comparisons", "{{ 1 is eq 1 }} {{ 1 is equalto 2 }} {{ 1 is ne 2 }} {{ 1 is lt 2 }} {{ 1 is lessthan 0 }} {{ 2 is le 2 }} {{ 3 is gt 2 }} {{ 3 is greaterthan 4 }} {{ 3 is ge 3 }}"),
    ("symbol_tests", "{{ 1 is == 1 }} {{ 1 is != 1 }} {{ 1 is < 2 }} {{ 1 is <= 0 }} {{ 2 is > 1 }} {{ 2 is >= 3 }}"),
    ("in_test", "{{ 2 is in items }} {{ 'z' is in 'xyz' }} {{ 9 is in items }}"),
    ("sameas", "{{ none is sameas none }} {{ true is sameas true }} {{ 1 is sameas 1 }} {{ items is sameas items }}"),
    ("escaped", "{{ html is escaped }} {{ html|e is escaped }} {{ html|safe is escaped }}"),
    ("filter_test_tests", "{{ 'upper' is filter }} {{ 'nope' is filter }} {{ 'odd' is test }} {{ 'nope' is test }}"),
    ("is_not", "{{ 3 is not odd }} {{ missing is not defined }} {{ not 3 is odd }}"),
    ("test_in_if", "{% if users[0].email is string and users[3].email is none %}ok{% endif %}"),
    ("test_in_select", "{{ [1, none, 'a', 2.0]|select('number')|list }} {{ [1, none, 'a']|reject('none')|list }}"),
    ("undefined_test_on_attr", "{{ nested.zzz is undefined }} {{ nested.a is defined }}"),
]
for n, src in T:
    add("test", n, src)

# ---------------------------------------------------------------- statements
S = [
    ("if_elif_else", "{% for x in [1, 2, 3, 0] %}{% if x == 1 %}one{% elif x == 2 %}two{% elif x == 3 %}three{% else %}other{% endif %} {% endfor %}"),
    ("for_loop_vars", "{% for u in users %}{{ loop.index }}/{{ loop.index0 }}/{{ loop.revindex }}/{{ loop.revindex0 }}/{{ loop.first }}/{{ loop.last }}/{{ loop.length }} {% endfor %}"),
    ("for_cycle", "{% for x in range(5) %}{{ loop.cycle('odd', 'even') }} {% endfor %}"),
    ("for_changed", "{% for u in users|sort(attribute='age') %}{% if loop.changed(u.age) %}[{{ u.age }}]{% endif %}{{ u.name }} {% endfor %}"),
    ("for_prev_next", "{% for x in items %}{{ loop.previtem|default('^') }}<{{ x }}>{{ loop.nextitem|default('$') }} {% endfor %}"),
    ("for_else", "{% for x in [] %}x{% else %}empty{% endfor %} {% for x in missing %}x{% else %}undef{% endfor %}"),
    ("for_filter", "{% for u in users if u.active %}{{ u.name }}{{ loop.index }}/{{ loop.length }} {% endfor %}"),
    ("for_unpack_items", "{% for k, v in d|dictsort %}{{ k }}={{ v }}{% if not loop.last %}, {% endif %}{% endfor %}"),
    ("for_nested_loop", "{% for a in [1, 2] %}{% for b in 'xy' %}{{ a }}{{ b }}({{ loop.index }}){% endfor %}[{{ loop.index }}]{% endfor %}"),
    ("for_recursive", "{% for item in tree recursive %}<{{ item.name }}{% if item.children %}:{{ loop(item.children) }}{% endif %}>{% endfor %}",
     {"tree": [{"name": "a", "children": [{"name": "b", "children": [{"name": "c"}]}, {"name": "d"}]}, {"name": "e"}]}),
    ("for_recursive_depth", "{% for item in tree recursive %}{{ loop.depth }}{{ loop.depth0 }}{{ item.name }}{% if item.children %}[{{ loop(item.children) }}]{% endif %}{% endfor %}",
     {"tree": [{"name": "a", "children": [{"name": "b", "children": [{"name": "c"}]}]}, {"name": "e"}]}),
    ("for_scope", "{% set x = 'outer' %}{% for i in [1] %}{% set x = 'inner' %}{{ x }}{% endfor %}{{ x }}"),
    ("for_loop_var_leak", "{% for i in [1, 2] %}{% endfor %}[{{ i }}]"),
    ("namespace", "{% set ns = namespace(total=0, found=false) %}{% for x in items %}{% set ns.total = ns.total + x %}{% if x == 2 %}{% set ns.found = true %}{% endif %}{% endfor %}{{ ns.total }} {{ ns.found }}"),
    ("set_tuple", "{% set a, b = 1, 2 %}{{ a }}{{ b }}{% set c, d = [3, 4] %}{{ c }}{{ d }}"),
    ("set_block", "{% set greeting %}Hello {{ users[0].name }}!{% endset %}[{{ greeting }}] {{ greeting|length }}"),
    ("set_block_filter", "{% set x | upper | replace('L', '_') %}hello{% endset %}{{ x }}"),
    ("if_scope", "{% if true %}{% set y = 5 %}{% endif %}{{ y }}"),
    ("with", "{% with a = 1, b = 2 %}{{ a + b }}{% endwith %}[{{ a }}]"),
    ("with_scope", "{% set a = 'o' %}{% with %}{% set a = 'i' %}{{ a }}{% endwith %}{{ a }}"),
    ("macro_basic", "{% macro hello(name, greeting='Hi') %}{{ greeting }}, {{ name }}!{% endmacro %}{{ hello('Ann') }} {{ hello('Bo', 'Yo') }} {{ hello(greeting='Hey', name='Cy') }}"),
    ("macro_varargs_kwargs", "{% macro m(a) %}{{ a }}|{{ varargs }}|{{ kwargs }}{% endmacro %}{{ m(1, 2, 3, x=4) }}"),
    ("macro_caller", "{% macro box(title) %}<div>{{ title }}:{{ caller() }}</div>{% endmacro %}{% call box('T') %}inner {{ n }}{% endcall %}"),
    ("macro_caller_args", "{% macro rows(items) %}{% for i in items %}{{ caller(i, loop.index) }}{% endfor %}{% endmacro %}{% call(item, idx) rows(users) %}{{ idx }}.{{ item.name }} {% endcall %}"),
    ("macro_attrs", "{% macro m(a, b=1) %}{{ varargs }}{% endmacro %}{{ m.name }} {{ m.arguments }} {{ m.catch_varargs }} {{ m.catch_kwargs }} {{ m.caller }}"),
    ("macro_default_refs_arg", "{% macro m(a, b=a * 2) %}{{ a }}-{{ b }}{% endmacro %}{{ m(3) }}"),
    ("macro_missing_arg", "{% macro m(a, b) %}[{{ a }}][{{ b }}]{% endmacro %}{{ m(1) }}"),
    ("macro_recursive", "{% macro fact(k) %}{% if k <= 1 %}1{% else %}{{ k * fact(k - 1)|int }}{% endif %}{% endmacro %}{{ fact(5) }}"),
    ("macro_sees_globals", "{% set g = 'G' %}{% macro m() %}{{ g }}{{ n }}{% endmacro %}{{ m() }}"),
    ("filter_block", "{% filter upper %}hello {{ users[1].name }}{% endfilter %}"),
    ("filter_block_chain", "{% filter trim|replace(' ', '_')|center(20) %}  a b c  {% endfilter %}|"),
    ("raw", "{% raw %}{{ not processed }} {% if %}{% endraw %}"),
    ("comment", "a{# comment {{ x }} #}b{#- trim -#}  c"),
    ("call_macro_in_loop_with_set", "{% macro li(x) %}<li>{{ x }}</li>{% endmacro %}<ul>{% for u in users %}{{ li(u.name) }}{% endfor %}</ul>"),
    ("cycler_joiner", "{% set c = cycler('a', 'b') %}{{ c.next() }}{{ c.next() }}{{ c.next() }}{{ c.current }}{% set j = joiner(' | ') %}{% for x in items %}{{ j() }}{{ x }}{% endfor %}"),
    ("loop_in_macro_caller", "{% macro each(seq) %}{% for x in seq %}{{ caller(x) }}{% endfor %}{% endmacro %}{% call(v) each([1, 2]) %}<{{ v }}>{% endcall %}"),
    ("set_at_top_and_block", "{% set title = 'T' %}{{ title }}"),
    ("inline_if_in_for", "{% for u in users %}{{ u.name if u.active else '-' }}{% endfor %}"),
    ("loop_length_nested_access", "{% for row in [[1, 2], [3]] %}{% set outer = loop %}{% for c in row %}{{ outer.index }}.{{ loop.index }} {% endfor %}{% endfor %}"),
    ("autoescape_block_scope", "{% autoescape true %}{{ html }}{% endautoescape %}|{{ html }}"),
    ("autoescape_false_block", "{% autoescape false %}{{ html }}{% endautoescape %}|{{ html }}", None, {"autoescape": True}),
    ("super_simple", "{% extends 'base' %}{% block b %}child+{{ super() }}{% endblock %}", None,
     {"templates": {"base": "<{% block b %}base{% endblock %}>"}}),
]
for row in S:
    n, src = row[0], row[1]
    c = row[2] if len(row) > 2 else None
    extra = row[3] if len(row) > 3 else {}
    add("stmt", n, src, c, **extra)

# ---------------------------------------------------------------- inheritance, include, import
base = """<html><head><title>{% block title %}Default{% endblock %}</title></head>
<body>{% block body %}{% endblock %}
<footer>{% block footer %}(c) {{ year }}{% endblock %}</footer></body></html>"""
mid = """{% extends "base.html" %}{% block title %}Mid - {{ super() }}{% endblock %}{% block body %}<main>{% block content %}mid content{% endblock %}</main>{% endblock %}"""
child = """{% extends "mid.html" %}{% block title %}Child | {{ super() }}{% endblock %}{% block content %}Hello {{ user }}! {{ self.title() }}{% endblock %}"""
macros = """{% macro button(label, href='#', kind='primary') -%}
<a class="btn btn-{{ kind }}" href="{{ href }}">{{ label }}</a>
{%- endmacro %}{% macro row(cells) %}<tr>{% for c in cells %}<td>{{ c }}</td>{% endfor %}</tr>{% endmacro %}{% set version = '1.2' %}{% set _private = 'p' %}"""
tpls = {"base.html": base, "mid.html": mid, "child.html": child, "macros.html": macros,
        "header.txt": "Header for {{ user }}", "item.txt": "[{{ item }}]", "nested_inc.txt": "A{% include 'header.txt' %}B",
        "scoped.html": "{% for item in [1, 2] %}{% block item scoped %}{{ item }}{% endblock %}{% endfor %}",
        "unscoped.html": "{% for item in [1, 2] %}{% block item %}{{ item }}{% endblock %}{% endfor %}",
        "req.html": "{% block needed required %}{% endblock %}after",
        "layout_vars.html": "{% set color = 'red' %}{% block c %}{{ color }}{% endblock %}",
        }
I = [
    ("extends_three_levels", "{% extends 'child.html' %}", {"user": "Ann", "year": 2024}),
    ("child_direct", None, {"user": "Ann", "year": 2024}, "child.html"),
    ("extends_override_footer", "{% extends 'base.html' %}{% block footer %}F{{ super() }}F{% endblock %}", {"year": 1999}),
    ("extends_ignores_outside", "{% extends 'base.html' %}ignored text{% set x = 1 %}{% block body %}x={{ x }}{% endblock %}", {}),
    ("extends_before_text", "before{% extends 'base.html' %}{% block body %}b{% endblock %}", {}),
    ("extends_dynamic", "{% extends layout %}{% block body %}dyn{% endblock %}", {"layout": "base.html", "year": 1}),
    ("include", "{% include 'header.txt' %}|{% for item in [1, 2] %}{% include 'item.txt' %}{% endfor %}", {"user": "Zed"}),
    ("include_nested", "{% include 'nested_inc.txt' %}", {"user": "Q"}),
    ("include_without_context", "{% include 'header.txt' without context %}", {"user": "Zed"}),
    ("include_ignore_missing", "a{% include 'nope.txt' ignore missing %}b", {}),
    ("include_list", "{% include ['nope.txt', 'header.txt'] %}", {"user": "L"}),
    ("include_missing_error", "{% include 'nope.txt' %}", {}),
    ("include_list_missing_error", "{% include ['a.txt', 'b.txt'] %}", {}),
    ("import_as", "{% import 'macros.html' as m %}{{ m.button('Go', '/go') }}{{ m.row([1, 2]) }}{{ m.version }}", {}),
    ("from_import", "{% from 'macros.html' import button, row as r, version %}{{ button('X', kind='danger') }}{{ r(['a']) }}{{ version }}", {}),
    ("from_import_missing", "{% from 'macros.html' import nothing %}{{ nothing is defined }}", {}),
    ("import_private", "{% import 'macros.html' as m %}[{{ m._private }}]", {}),
    ("import_context_isolation", "{% set user = 'top' %}{% import 'macros.html' as m %}{{ m.button(user) }}", {}),
    ("scoped_block", None, {}, "scoped.html"),
    ("unscoped_block", None, {"item": "ctx"}, "unscoped.html"),
    ("required_block_missing", "{% extends 'req.html' %}", {}),
    ("required_block_given", "{% extends 'req.html' %}{% block needed %}N{% endblock %}", {}),
    ("layout_vars_in_block", "{% extends 'layout_vars.html' %}{% block c %}[{{ color }}]{% endblock %}", {}),
    ("self_block", "{% block a %}A{% endblock %}-{{ self.a() }}", {}),
    ("block_in_plain_template", "x{% block a %}in {{ n }}{% endblock %}y", {"n": 5}),
    ("extends_missing", "{% extends 'nope.html' %}", {}),
]
for row in I:
    n, src, c = row[0], row[1], row[2]
    extra = {"templates": tpls}
    if len(row) > 3:
        extra["template_name"] = row[3]
        src = tpls[row[3]]
    add("inherit", n, src, c, **extra)

# ---------------------------------------------------------------- whitespace control
W = [
    ("dash_both", "a  {%- if true -%}  b  {%- endif -%}  c"),
    ("dash_var", "a \n {{- 'x' -}} \n b"),
    ("newlines_default", "{% if true %}\nyes\n{% endif %}\nend\n"),
    ("for_lines", "<ul>\n{% for u in users %}\n  <li>{{ u.name }}</li>\n{% endfor %}\n</ul>\n"),
    ("trailing_newline", "line\n"),
    ("trailing_newlines2", "line\n\n"),
    ("crlf", "a\r\nb\r\n{% if true %}\r\nc{% endif %}"),
    ("comment_dash", "x\n  {#- c -#}\n  y"),
    ("raw_dash", "a {%- raw -%} {{ x }} {%- endraw -%} b"),
    ("plus_no_lstrip", "  {%+ if true %}x{% endif %}"),
]
for n, src in W:
    add("ws", n, src)
    add("ws", n + "_trim", src, options={"trim_blocks": True})
    add("ws", n + "_lstrip", src, options={"lstrip_blocks": True})
    add("ws", n + "_both", src, options={"trim_blocks": True, "lstrip_blocks": True})
add("ws", "keep_trailing", "line\n", options={"keep_trailing_newline": True})
add("ws", "keep_trailing2", "a{% if true %}\nb{% endif %}\n", options={"keep_trailing_newline": True, "trim_blocks": True})
add("ws", "lstrip_comment", "x\n    {# c #}\ny", options={"lstrip_blocks": True})
add("ws", "lstrip_indented_for", "<ul>\n    {% for x in items %}\n    <li>{{ x }}</li>\n    {% endfor %}\n</ul>", options={"lstrip_blocks": True, "trim_blocks": True})
add("ws", "lstrip_not_first", "x {% if true %}y{% endif %}", options={"lstrip_blocks": True})
add("ws", "trim_var_not_affected", "{{ 'a' }}\nb", options={"trim_blocks": True})
add("ws", "unicode_space_strip", "a\u00a0\u2003 {%- if true -%}\u00a0\u3000b{% endif %}\u2028 {{- 'c' -}} \u00a0d")
add("ws", "unicode_space_strip_lstrip", "x\n\u00a0 {% if true %}y{% endif %}", options={"lstrip_blocks": True})
add("ws", "minus_plus_mix", "a\n  {%- if true +%}\nb{% endif %}", options={"trim_blocks": True})

# ---------------------------------------------------------------- autoescape
A = [
    ("print", "{{ html }}"),
    ("safe", "{{ html|safe }} {{ html|e }}"),
    ("concat", "{{ html ~ '<i>' }} {{ (html|safe) ~ '<i>' }}"),
    ("plus_markup", "{{ (html|safe) + '<i>' }} {{ '<i>' + (html|safe) }}"),
    ("macro", "{% macro m(x) %}<b>{{ x }}</b>{% endmacro %}{{ m(html) }}"),
    ("join", "{{ ['<a>', '<b>']|join('<br>') }} {{ ['<a>'|safe, '<b>']|join }} {{ ['x', 'y']|join('<br>'|safe) }}"),
    ("replace", "{{ html|replace('&', 'and') }} {{ (html|safe)|replace('<b>', '<i>') }}"),
    ("format", "{{ '<p>%s</p>'|format(html) }} {{ ('<p>%s</p>'|safe)|format(html) }}"),
    ("str_format_markup", "{{ ('<p>{}</p>'|safe).format('<x>') }}"),
    ("tojson", "<script>var x = {{ users[0]|tojson }};</script>"),
    ("xmlattr", "<a{{ {'title': html}|xmlattr }}>"),
    ("set_block", "{% set x %}<b>{{ html }}</b>{% endset %}{{ x }}"),
    ("filter_block", "{% filter upper %}<b>{{ html }}</b>{% endfilter %}"),
    ("numbers_none", "{{ 1 }} {{ none }} {{ [html] }} {{ {'k': '<'} }}"),
    ("escape_quotes", "{{ \"'\" }}{{ '\"' }}{{ '&amp;' }}"),
    ("urlize", "{{ 'go to http://x.org/?a=1&b=<2>'|urlize }}"),
    ("striptags_then", "{{ html|striptags }}"),
    ("upper_of_safe", "{{ (html|safe)|upper }} {{ html|upper }}"),
    ("caller", "{% macro w() %}<div>{{ caller() }}</div>{% endmacro %}{% call w() %}<p>{{ html }}</p>{% endcall %}"),
    ("super", "{% extends 'b.html' %}{% block x %}<c>{{ super() }}{{ html }}{% endblock %}"),
    ("include", "{% include 'i.txt' %}|{% include 'i.html' %}"),
    ("indent_markup", "{{ (html|safe)|indent(2, true) }}"),
    ("wordwrap_escape", "{{ html|wordwrap(10) }}"),
    ("truncate_escape", "{{ html|truncate(12) }}"),
    ("center_escape", "{{ '<>'|center(6) }}"),
    ("default_markup", "{{ missing|default('<x>') }} {{ missing|default('<x>'|safe) }}"),
    ("map_escape", "{{ ['<a>']|map('e')|list }}"),
    ("concat_nested_markup", "{{ '<a>' ~ ('<b>'|e) ~ 1 }}"),
]
for n, src in A:
    add("autoescape", n, src, autoescape=True, templates={"b.html": "<b>{% block x %}B&{% endblock %}</b>", "i.txt": "{{ html }}", "i.html": "{{ html }}"})
add("autoescape", "by_extension_html", None, autoescape="ext", templates={"mail.html.j2": "{{ html }}"}, template_name="mail.html.j2")
add("autoescape", "by_extension_txt", None, autoescape="ext", templates={"mail.txt.j2": "{{ html }}"}, template_name="mail.txt.j2")
add("autoescape", "by_extension_xml", None, autoescape="ext", templates={"feed.XML": "{{ html }}"}, template_name="feed.XML")
add("autoescape", "by_extension_include_mix", None, autoescape="ext",
    templates={"p.html": "{{ html }}|{% include 'p.txt' %}", "p.txt": "{{ html }}"}, template_name="p.html")

add("autoescape", "by_extension_extends_mix", None, autoescape="ext",
    templates={"layout.txt": "{{ html }}{% block b %}{% endblock %}{% block c %}{{ html }}{% endblock %}",
               "page.html": "{% extends 'layout.txt' %}{% block b %}{{ html }}|{{ super() }}{% endblock %}"}, template_name="page.html")
add("autoescape", "by_extension_import_mix", None, autoescape="ext",
    templates={"m.txt": "{% macro f(x) %}[{{ x }}]{% endmacro %}", "page.html": "{% import 'm.txt' as m %}{{ m.f(html) }}{{ html }}"},
    template_name="page.html")

# ---------------------------------------------------------------- errors
ERR = [
    ("unclosed_if", "{% if true %}x"),
    ("unclosed_for", "{% for x in y %}x"),
    ("unknown_tag", "{% foo %}"),
    ("unknown_tag_inside", "{% if true %}{% foo %}{% endif %}"),
    ("stray_end", "{% endif %}"),
    ("wrong_end", "{% for x in y %}{% endif %}"),
    ("unclosed_var", "{{ x "),
    ("unclosed_paren", "{{ (1 + 2 }}"),
    ("bad_bracket", "{{ [1, 2) }}"),
    ("unknown_filter", "{{ x|nope }}"),
    ("unknown_test", "{{ x is nope }}"),
    ("missing_attr_of_undefined", "{{ missing.attr }}"),
    ("undefined_arith", "{{ missing + 1 }}"),
    ("undefined_call", "{{ missing() }}"),
    ("div_zero", "{{ 1 / 0 }}"),
    ("floordiv_zero", "{{ 1 // 0 }}"),
    ("mod_zero", "{{ 1 % 0 }}"),
    ("type_add", "{{ 1 + 'a' }}"),
    ("type_compare", "{{ 1 < 'a' }}"),
    ("call_non_callable", "{{ n() }}"),
    ("unpack_mismatch", "{% for a, b in [1, 2] %}{% endfor %}"),
    ("iterate_int", "{% for x in 42 %}{% endfor %}"),
    ("macro_too_many_args", "{% macro m(a) %}{% endmacro %}{{ m(1, 2) }}"),
    ("macro_unknown_kwarg", "{% macro m(a) %}{% endmacro %}{{ m(b=1) }}"),
    ("block_twice", "{% block a %}{% endblock %}{% block a %}{% endblock %}"),
    ("extends_twice", "{% extends 'a' %}{% extends 'b' %}"),
    ("comment_unclosed", "{# x"),
    ("raw_unclosed", "{% raw %}x"),
    ("bad_string", "{{ 'abc }}"),
    ("bad_char", "{{ 1 ! 2 }}"),
    ("empty_expr", "{{ }}"),
    ("set_no_value", "{% set %}"),
    ("for_no_in", "{% for x %}{% endfor %}"),
    ("elif_after_else", "{% if a %}{% else %}{% elif b %}{% endif %}"),
    ("namespace_set_non_ns", "{% set x = 1 %}{% set x.y = 2 %}"),
    ("assign_to_const", "{% set true = 1 %}"),
    ("batch_zero", "{{ [1]|batch(0)|list }}"),
    ("int_filter_bad_base", "{{ 'z'|int(base=1) }}"),
    ("tojson_undefined", "{{ missing|tojson }}"),
    ("first_of_int", "{{ 5|first }}"),
    ("sort_mixed", "{{ [1, 'a']|sort }}"),
    ("dictsort_bad_by", "{{ {'a': 1}|dictsort(by='x') }}"),
    ("round_bad_method", "{{ 1.5|round(method='x') }}"),
    ("xmlattr_bad_key", "{{ {'a b': 1}|xmlattr }}"),
    ("percent_missing_args", "{{ '%s %s' % ('a',) }}"),
    ("format_both_kinds", "{{ '%s'|format('a', x=1) }}"),
    ("macro_endmacro_missing", "{% macro m() %}x"),
    ("call_without_call", "{% call m %}{% endcall %}"),
    ("strict_print", "{{ missing }}", {"strict": True}),
    ("strict_if", "{% if missing %}x{% endif %}", {"strict": True}),
    ("strict_for", "{% for x in missing %}x{% endfor %}", {"strict": True}),
    ("strict_default_ok", "{{ missing|default('ok') }} {{ missing is defined }}", {"strict": True}),
    ("strict_eq", "{{ missing == 1 }}", {"strict": True}),
    ("strict_nested_ok", "{{ users[0].name }}", {"strict": True}),
    ("strict_attr", "{{ users[0].nope }}", {"strict": True}),
    ("unexpected_end_of_block", "{% if %}"),
    ("double_dot", "{{ a..b }}"),
    ("subscript_empty", "{{ a[] }}"),
    ("kwarg_before_positional", "{{ f(a=1, 2) }}"),
    ("test_chain", "{{ 1 is odd is even }}"),
    ("unknown_filter_in_if_not_taken", "{% if false %}{{ x|nope }}{% endif %}ok"),
    ("unknown_filter_in_if_taken", "{% if true %}{{ x|nope }}{% endif %}ok"),
    ("unknown_filter_in_for_empty", "{% for x in [] %}{{ x|nope }}{% endfor %}ok"),
    ("range_too_big", "{{ range(1000000)|length }}"),
]
for row in ERR:
    n, src = row[0], row[1]
    extra = {"options": row[2]} if len(row) > 2 else {}
    add("error", n, src, **extra)

# ---------------------------------------------------------------- realistic mail templates
alert = {
    "alert": {"host": {"name": "db-01.prod"}, "service": {"display_name": "Disk /var"}, "status": "CRIT",
              "message": "Disk usage 97% <critical> & rising", "host_url": "https://mon.example.com/hosts/db-01?tab=disk&x=1",
              "is_recovery": False, "acknowledged_by": None, "since": "2024-05-01 10:00"},
    "tenant": {"name": "ACME GmbH", "brand_color": "#e4002b", "footer": "ACME GmbH · Musterstraße 1 · 12345 Berlin", "logo_cid": "logo@acme"},
    "locale": "de",
}
mail_layout = """<!DOCTYPE html>
<html lang="{{ locale }}"><head><meta charset="utf-8"><title>{% block title %}{% endblock %}</title></head>
<body style="margin:0;padding:0;background:#f4f4f4;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0">
  <tr><td style="background:{{ tenant.brand_color }};padding:16px;">
    <img src="cid:{{ tenant.logo_cid }}" alt="{{ tenant.name }}" height="32">
  </td></tr>
  <tr><td style="padding:24px;font-family:Arial,sans-serif;">
{% block content %}{% endblock %}
  </td></tr>
  <tr><td style="padding:16px;font-size:12px;color:#666;">{{ tenant.footer }}</td></tr>
</table>
</body></html>
"""
status_macros = """{% set colors = {'OK': '#2e7d32', 'WARN': '#f9a825', 'CRIT': '#c62828', 'NO_DATA': '#757575'} %}
{% macro badge(status) -%}
<span style="background:{{ colors.get(status, '#000') }};color:#fff;padding:2px 6px;border-radius:3px;">{{ status }}</span>
{%- endmacro %}
"""
alert_html = """{% extends "layout.html" %}
{% from "status.html" import badge %}
{% block title %}{{ '[RECOVERY]' if alert.is_recovery else '[' ~ alert.status ~ ']' }} {{ alert.host.name }}{% endblock %}
{% block content %}
<h1 style="margin:0 0 12px;">{{ alert.service.display_name }} on {{ alert.host.name }}</h1>
<p>Status: {{ badge(alert.status) }}</p>
<p>{{ alert.message }}</p>
{% if alert.acknowledged_by %}<p>Acknowledged by {{ alert.acknowledged_by }}</p>{% endif %}
<p><a href="{{ alert.host_url }}" style="color:{{ tenant.brand_color }}">Open host</a></p>
{% endblock %}
"""
alert_txt = """{% if alert.is_recovery %}RECOVERY{% else %}PROBLEM{% endif %}: {{ alert.service.display_name }} on {{ alert.host.name }} is {{ alert.status }}

{{ alert.message | wordwrap(40) }}

Since: {{ alert.since }}
{%- if alert.acknowledged_by %}
Acknowledged by: {{ alert.acknowledged_by }}
{%- endif %}
Host: {{ alert.host_url }}

-- 
{{ tenant.footer }}
"""
digest = {
    "tenant": alert["tenant"], "locale": "en",
    "alerts": [{"host": "web-%02d" % i, "service": ["CPU", "Disk", "Ping"][i % 3], "status": ["OK", "WARN", "CRIT", "NO_DATA"][i % 4],
                "value": round(i * 7.3 % 100, 1), "ts": "10:%02d" % i} for i in range(25)],
}
digest_html = """{% extends "layout.html" %}{% from "status.html" import badge %}
{% block title %}{{ alerts|length }} alerts{% endblock %}
{% block content %}
{% set ns = namespace(crit=0) %}
{% for a in alerts %}{% if a.status == 'CRIT' %}{% set ns.crit = ns.crit + 1 %}{% endif %}{% endfor %}
<p>{{ ns.crit }} critical of {{ alerts|length }}.</p>
<table style="border-collapse:collapse;width:100%;">
<tr>{% for h in ['Host', 'Service', 'Status', 'Value', 'Time'] %}<th style="text-align:left;border-bottom:1px solid #ccc;">{{ h }}</th>{% endfor %}</tr>
{% for a in alerts|sort(attribute='status') %}
<tr style="background:{{ loop.cycle('#fff', '#f7f7f7') }}">
  <td>{{ a.host }}</td><td>{{ a.service }}</td><td>{{ badge(a.status) }}</td><td>{{ '%.1f'|format(a.value) }}%</td><td>{{ a.ts }}</td>
</tr>
{% endfor %}
</table>
{% for status, group in alerts|groupby('status') %}{{ status }}: {{ group|map(attribute='host')|join(', ') }}
{% endfor %}
{% endblock %}
"""
report = {"report": {"name": "Monthly availability", "period": {"from": "2024-04-01", "to": "2024-04-30"},
                     "rows": [{"service": "svc-%d" % i, "availability": 99.0 + (i % 10) / 10, "incidents": i % 4, "bytes": i * 123456789} for i in range(12)]},
          "recipient": {"first_name": "Jörg", "salutation": "Herr"}, "tenant": alert["tenant"], "locale": "de"}
report_txt = """Hallo {{ recipient.salutation }} {{ recipient.first_name }},

anbei der Bericht „{{ report.name }}" für {{ report.period.from }} – {{ report.period.to }}.

{% for r in report.rows -%}
{{ "%-10s"|format(r.service) }} {{ "%6.2f"|format(r.availability) }} %  {{ r.incidents }} Störung{{ '' if r.incidents == 1 else 'en' }}  {{ r.bytes|filesizeformat }}
{% endfor %}
Durchschnitt: {{ (report.rows|sum(attribute='availability') / report.rows|length)|round(2) }} %
Gesamt: {{ report.rows|sum(attribute='incidents') }} Störungen

{{ tenant.footer }}
"""
twofa_txt = """{% set minutes = (ttl / 60)|int %}Your code: {{ code[:3] }} {{ code[3:] }}
It expires in {{ minutes }} minute{{ 's' if minutes != 1 }}.{# never log the code #}
"""
mtpls = {"layout.html": mail_layout, "status.html": status_macros, "alert.html": alert_html, "alert.txt": alert_txt,
         "digest.html": digest_html, "report.txt": report_txt, "2fa.txt": twofa_txt}
add("mail", "alert_html", None, alert, autoescape="ext", templates=mtpls, template_name="alert.html")
add("mail", "alert_txt", None, alert, autoescape="ext", templates=mtpls, template_name="alert.txt")
rec = json.loads(json.dumps(alert)); rec["alert"]["is_recovery"] = True; rec["alert"]["status"] = "OK"; rec["alert"]["acknowledged_by"] = "Eve <eve@example.com>"
add("mail", "recovery_html", None, rec, autoescape="ext", templates=mtpls, template_name="alert.html")
add("mail", "recovery_txt", None, rec, autoescape="ext", templates=mtpls, template_name="alert.txt")
add("mail", "digest_html", None, digest, autoescape="ext", templates=mtpls, template_name="digest.html")
add("mail", "report_txt", None, report, autoescape="ext", templates=mtpls, template_name="report.txt")
add("mail", "2fa_txt", None, {"code": "123456", "ttl": 600}, autoescape="ext", templates=mtpls, template_name="2fa.txt")
add("mail", "2fa_txt_one_minute", None, {"code": "987654", "ttl": 90}, autoescape="ext", templates=mtpls, template_name="2fa.txt")
add("mail", "subject_line", "{{ '[%s] %s - %s'|format(alert.status, alert.host.name, alert.service.display_name)|truncate(60) }}", alert)
add("mail", "trim_lstrip_table", """<table>
  {% for a in alerts[:5] %}
    <tr>
      {% for k in ['host', 'status'] %}
        <td>{{ a[k] }}</td>
      {% endfor %}
    </tr>
  {% endfor %}
</table>""", digest, options={"trim_blocks": True, "lstrip_blocks": True}, autoescape=True)

os.makedirs(OUT, exist_ok=True)
for group, items in cases.items():
    with open(os.path.join(OUT, f"{group}.json"), "w", encoding="utf-8") as fh:
        json.dump(items, fh, ensure_ascii=False, indent=None if group.startswith("gen_") else 1)
        fh.write("\n")
print(sum(len(v) for v in cases.values()), "cases in", len(cases), "files")

# ---------------------------------------------------------------- second wave: edge cases
cases2 = {}


def add2(group, name, source, context=None, **kw):
    c = {"name": f"{group}/{name}", "source": source, "context": ctx if context is None else context}
    c.update(kw)
    cases2.setdefault(group, []).append(c)


EDGE = [
    ("scope_set_in_if_in_for", "{% set x = 0 %}{% for i in [1, 2] %}{% if true %}{% set x = x + i %}{% endif %}{{ x }}{% endfor %}|{{ x }}"),
    ("scope_loop_var_shadow", "{% set item = 'outer' %}{% for item in [1] %}{{ item }}{% endfor %}{{ item }}"),
    ("scope_macro_closure", "{% set v = 1 %}{% macro m() %}{{ v }}{% endmacro %}{% set v = 2 %}{{ m() }}"),
    ("scope_macro_set_local", "{% set v = 1 %}{% macro m() %}{% set v = 5 %}{{ v }}{% endmacro %}{{ m() }}{{ v }}"),
    ("scope_with_reads_outer", "{% set a = 1 %}{% with b = a + 1 %}{{ a }}{{ b }}{% endwith %}"),
    ("scope_include_sees_loop", "{% for item in [7, 8] %}{% include 'item.txt' %}{% endfor %}", {}, {"templates": {"item.txt": "<{{ item }}>"}}),
    ("scope_include_sees_set", "{% set item = 'S' %}{% include 'item.txt' %}", {}, {"templates": {"item.txt": "<{{ item }}>"}}),
    ("scope_included_set_does_not_leak", "{% include 'set.txt' %}[{{ leaked }}]", {}, {"templates": {"set.txt": "{% set leaked = 1 %}"}}),
    ("loop_index_after_filter", "{% for x in range(10) if x is odd %}{{ loop.index }}:{{ x }}{{ ',' if not loop.last }}{% endfor %}"),
    ("loop_nextitem_last", "{% for x in [1, 2] %}[{{ loop.nextitem }}]{% endfor %}"),
    ("loop_cycle_vars", "{% for x in range(3) %}{{ loop.cycle(*['a', 'b']) }}{% endfor %}"),
    ("loop_changed_multiple", "{% for a, b in [(1, 1), (1, 2), (2, 2), (2, 2)] %}{{ loop.changed(a, b) }} {% endfor %}"),
    ("loop_length_in_else", "{% for x in [] %}{% else %}{{ loop is defined }}{% endfor %}"),
    ("loop_over_tuple_list", "{% for a, (b, c) in [(1, (2, 3))] %}{{ a }}{{ b }}{{ c }}{% endfor %}"),
    ("loop_over_dict_items_sorted", "{% for k, v in d|dictsort(false, 'value') %}{{ k }}{% endfor %}"),
    ("loop_over_none_error", "{% for x in none %}{% endfor %}"),
    ("loop_recursive_loop_vars", "{% for i in [[1, 2], [3]] recursive %}{% if i is iterable %}({{ loop(i) }}){% else %}{{ i }}@{{ loop.index }}/{{ loop.length }}{% endif %}{% endfor %}"),
    ("macro_kwargs_only", "{% macro m() %}{{ kwargs|dictsort }}{% endmacro %}{{ m(b=2, a=1) }}"),
    ("macro_varargs_only", "{% macro m() %}{{ varargs|join(',') }}{% endmacro %}{{ m(1, 2, 3) }}"),
    ("macro_call_with_star", "{% macro m(a, b, c) %}{{ a }}{{ b }}{{ c }}{% endmacro %}{{ m(*[1, 2], c=3) }} {{ m(**{'a': 4, 'b': 5, 'c': 6}) }}"),
    ("macro_returns_string_filterable", "{% macro m() %}  padded  {% endmacro %}[{{ m()|trim }}] {{ m()|length }}"),
    ("macro_caller_with_default", "{% macro m() %}{{ caller(1) }}|{{ caller() }}{% endmacro %}{% call(x=9) m() %}{{ x }}{% endcall %}"),
    ("macro_nested_call_blocks", "{% macro outer() %}O[{{ caller() }}]{% endmacro %}{% macro inner() %}I({{ caller() }}){% endmacro %}{% call outer() %}{% call inner() %}x{% endcall %}{% endcall %}"),
    ("macro_defined_in_loop", "{% for i in [1, 2] %}{% macro m() %}{{ i }}{% endmacro %}{{ m() }}{% endfor %}"),
    ("macro_in_set_block", "{% macro m(x) %}<{{ x }}>{% endmacro %}{% set out %}{{ m(1) }}{{ m(2) }}{% endset %}{{ out|replace('<', '[') }}"),
    ("macro_too_many_positional_error", "{% macro m(a) %}{{ a }}{% endmacro %}{{ m(1, 2) }}"),
    ("macro_dup_arg_error", "{% macro m(a) %}{{ a }}{% endmacro %}{{ m(1, a=2) }}"),
    ("namespace_init_dict", "{% set ns = namespace({'a': 1}, b=2) %}{{ ns.a }}{{ ns.b }}"),
    ("namespace_in_macro", "{% set ns = namespace(c=0) %}{% macro inc() %}{% set ns.c = ns.c + 1 %}{% endmacro %}{{ inc() }}{{ inc() }}{{ ns.c }}"),
    ("set_multiple_targets_error", "{% set a, b = [1, 2, 3] %}"),
    ("set_nested_tuple", "{% set (a, b), c = [1, 2], 3 %}{{ a }}{{ b }}{{ c }}"),
    ("set_tuple_value", "{% set t = 1, 2 %}{{ t }}"),
    ("print_tuple", "{{ 1, 2 }}"),
    ("if_expression_none", "{{ none if true }}|{{ 1 if none }}|"),
    ("chained_filters_and_tests", "{{ items|sort|first is odd }} {{ (items|sort|last) is even }}"),
    ("test_with_filter_arg", "{{ 4 is divisibleby 2 and 5 is odd }}"),
    ("not_in_precedence", "{{ not 1 in [1] }} {{ not (1 in [1]) }} {{ 1 not in [2] }}"),
    ("unary_minus_filter", "{{ -1|abs }} {{ -(1|abs) }} {{ (-1)|abs }}"),
    ("pow_precedence", "{{ 2 ** 3 ** 2 }} {{ -2 ** 2 }} {{ 2 ** -2 }}"),
    ("concat_precedence", "{{ 1 + 2 ~ 3 + 4 }} {{ 'a' ~ 2 * 3 }}"),
    ("compare_mixed", "{{ 1 < 2.5 }} {{ 'a' == 'a' }} {{ [] == [] }} {{ {} == {} }} {{ none == 0 }} {{ true == 1 }} {{ '1' == 1 }}"),
    ("in_dict_values", "{{ 1 in d.values() }} {{ 'a' in d.keys() }} {{ 'a' in ['a'] }} {{ ('a', 1) in d.items() }}"),
    ("string_multiplication_zero", "[{{ 'ab' * 0 }}][{{ 'ab' * -1 }}]"),
    ("division_results", "{{ 1 / 2 }} {{ 4 / 2 }} {{ -1 / 3 }} {{ 1e300 * 1e10 }} {{ 10 // 3.0 }} {{ -10 // 3 }}"),
    ("int_overflowish", "{{ 9223372036854775807 }} {{ 2 ** 63 - 1 }}"),
    ("float_formatting_repr", "{{ 1/3 }} {{ 2/3 }} {{ 10/3 }} {{ 1e100 }} {{ 1.7976931348623157e308 }} {{ 5e-324 }} {{ 123456789012345.6 }} {{ 0.000123 }}"),
    ("float_str_concat", "{{ 1.5 ~ '' }} {{ 2.0|string }} {{ [2.0]|join }}"),
    ("round_negative_float", "{{ -0.5|round }} {{ -1.5|round }} {{ 0.5|round }} {{ 1.5|round }} {{ 2.5|round(0, 'ceil') }} {{ -2.5|round(0, 'floor') }}"),
    ("truncate_edge", "{{ 'a b c d e f g h i j k l m n o p'|truncate(10) }}|{{ 'abcdefghijklmnopqrstuvwxyz'|truncate(10) }}|{{ 'abcdefghijklmnop'|truncate(12) }}|{{ 'abcdefghijklmnopqr'|truncate(12) }}"),
    ("wordwrap_exact", "{{ 'aaa bbb ccc ddd'|wordwrap(7) }}|{{ 'aaa bbb ccc ddd'|wordwrap(8) }}|{{ '  lead space text'|wordwrap(5) }}"),
    ("wordwrap_long_url", "{{ 'see https://example.com/a/very/long/path/that/goes/on/and/on for details'|wordwrap(20) }}"),
    ("center_odd_even", "[{{ 'ab'|center(5) }}][{{ 'abc'|center(6) }}][{{ 'a'|center(4) }}]"),
    ("title_edgecases", "{{ 'o\\'neil mcdonald-smith'|title }} {{ 'ÉCOLE élève'|title }} {{ '1st 2nd'|title }}"),
    ("capitalize_unicode", "{{ 'élan VITAL'|capitalize }} {{ 'ßtraße'|upper }}"),
    ("lower_upper_special", "{{ 'İ'|lower|length }} {{ 'ǅ'|upper }}"),
    ("striptags_nested", "{{ '<div><p>a</p>\n\n<p>b   c</p></div>'|striptags }} {{ '<br/>x<br />y'|striptags }} {{ 'a < b and c > d'|striptags }}"),
    ("urlencode_unicode", "{{ 'grüße/x y'|urlencode }} {{ {'ä': 'ö'}|urlencode }} {{ 42|urlencode }}"),
    ("filesizeformat_boundaries", "{{ 999999|filesizeformat }} {{ 1000000|filesizeformat }} {{ 1048576|filesizeformat(true) }} {{ 1023|filesizeformat(true) }} {{ '12345'|filesizeformat }} {{ 1.5|filesizeformat }}"),
    ("int_float_strings", "{{ '  -12  '|int }} {{ '3e2'|int }} {{ '3e2'|float }} {{ '-0.5'|float }} {{ 'nan'|float }} {{ '1,000'|int }} {{ true|int }} {{ none|int }} {{ '0b101'|int(0, 0) }}"),
    ("join_mixed_types", "{{ [1, none, true, 2.5, 'x']|join('|') }}"),
    ("sort_tuples", "{{ [(2, 'b'), (1, 'z'), (2, 'a')]|sort }} {{ [[2, 1], [1, 2]]|sort(reverse=true) }}"),
    ("sort_by_index_attr", "{{ pairs|sort(attribute='1', reverse=true) }}"),
    ("dictsort_case", "{{ {'b': 1, 'A': 2, 'c': 0}|dictsort(case_sensitive=true) }}"),
    ("unique_attr_case", "{{ [{'n': 'A'}, {'n': 'a'}, {'n': 'B'}]|unique(attribute='n')|list }}"),
    ("min_max_attr", "{{ users|min(attribute='score') }} {{ strs|min(case_sensitive=false) }}"),
    ("map_filter_args", "{{ ['a b', 'c d']|map('replace', ' ', '_')|list }} {{ [1.234, 5.678]|map('round', 1)|list }} {{ users|map(attribute='name')|map('upper')|first }}"),
    ("select_reject_attr_tests", "{{ users|selectattr('score', 'ge', 8)|map(attribute='name')|list }} {{ users|rejectattr('email')|map(attribute='name')|list }}"),
    ("groupby_int_attr", "{{ pairs|groupby(0)|list }}"),
    ("groupby_nested_attr", "{{ [{'a': {'b': 1}, 'v': 1}, {'a': {'b': 1}, 'v': 2}]|groupby('a.b')|list }}"),
    ("items_filter_order", "{% for k, v in {'z': 1, 'a': 2}|items %}{{ k }}{{ v }}{% endfor %}"),
    ("batch_table", "<table>{% for row in range(5)|batch(2, '&nbsp;') %}<tr>{% for c in row %}<td>{{ c }}</td>{% endfor %}</tr>{% endfor %}</table>"),
    ("slice_columns", "{% for col in range(7)|slice(3) %}[{{ col|join(',') }}]{% endfor %}"),
    ("tojson_special", "{{ {'a': 'b\"c\\\\d\\n\\te'}|tojson }} {{ [1e100, -0.0, 0.1]|tojson }} {{ {'k': none}|tojson }} {{ 'é<&>\\'\\u2028'|tojson }}"),
    ("tojson_nested_sorted", "{{ {'b': {'y': 1, 'x': 2}, 'a': [3, {'d': 4, 'c': 5}]}|tojson }}"),
    ("tojson_int_keys", "{{ {2: 'b', 1: 'a'}|tojson }}"),
    ("pprint_nested", "{{ {'key': [1, 2, 3], 'other': {'inner': 'value'}}|pprint }} {{ [(1, 2)]|pprint }}"),
    ("pprint_wide_dict", "{{ {'alpha': 'a' * 30, 'beta': 'b' * 30, 'gamma': ['c' * 20, 'd' * 20]}|pprint }}"),
    ("xmlattr_escape_values", "<x{{ {'a': 1, 'b': true, 'c': '<&>'}|xmlattr }}>"),
    ("indent_width_string", "{{ 'a\\nb'|indent('--') }} {{ 'a\\nb'|indent(width=1, first=true) }}"),
    ("default_chain", "{{ missing|default(none)|default('x') }} {{ none|default('y', true) }}"),
    ("attr_on_undefined_default", "{{ (missing|default({})).x|default('fallback') }}"),
    ("string_index_negative", "{{ 'abc'[-1] }} {{ 'abc'[10] is defined }} {{ 'abc'[1:] }}"),
    ("list_slice_step", "{{ range(10)|list|batch(3)|list|first }} {{ (range(10)|list)[1:8:3] }} {{ (range(10)|list)[::-3] }} {{ (range(5)|list)[-2:] }}"),
    ("str_methods_more", "{{ 'a-b-c'.split('-', 1) }} {{ 'x'.join('abc') }} {{ ' a  b '.split() }} {{ 'a\\nb\\r\\nc'.splitlines() }} {{ 'Hello'.swapcase() }} {{ 'abc'.partition('b') }}"),
    ("str_methods_strip_chars", "{{ 'xxhixx'.strip('x') }} {{ '--a--'.lstrip('-') }} {{ '--a--'.rstrip('-') }} {{ 'www.example.com'.strip('cmowz.') }}"),
    ("str_format_more", "{{ '{:*^9}'.format('mid') }} {{ '{:+d}'.format(5) }} {{ '{0:x} {0:o} {0:b}'.format(10) }} {{ '{:.1%}'.format(0.256) }} {{ '{!r}'.format('q') }} {{ '{:10.3f}|'.format(3.14159) }} {{ '{:e}'.format(12345.0) }}"),
    ("percent_more", "{{ '%c%c' % (72, 'i') }} {{ '%5.1f%%' % 12.345 }} {{ '%-6d|' % 42 }} {{ '%06.2f' % -3.14159 }} {{ '%s' % [1, 2] }} {{ '%s' % none }} {{ '%.3s' % 'abcdef' }} {{ '%#x' % 255 }}"),
    ("percent_single_tuple", "{{ '%s' % ((1, 2),) }}"),
    ("dict_literal_order", "{{ {'z': 1, 'a': 2, 'm': 3} }} {{ {'a': 1, 'a': 2} }} {{ {1: 'a', true: 'b'} }}"),
    ("dict_get_items_iter", "{% for k, v in {'x': 1}.items() %}{{ k }}{{ v }}{% endfor %}"),
    ("undefined_in_arith_error", "{{ missing * 2 }}"),
    ("undefined_iter_len", "{{ missing|list }} {{ missing|length }} {{ missing|join }} {{ missing is iterable }}"),
    ("undefined_compare", "{{ missing == missing }} {{ missing != 1 }} {{ missing is none }}"),
    ("undefined_str_filters", "[{{ missing|upper }}][{{ missing|string }}][{{ missing|e }}][{{ missing|trim }}]"),
    ("undefined_bool", "{{ missing and 1 }}|{{ missing or 2 }}|{{ not missing }}"),
    ("undefined_subscript_error", "{{ missing[0] }}"),
    ("none_attr", "[{{ none.x }}]"),
    ("none_subscript", "[{{ none[0] }}]"),
    ("int_attr", "[{{ n.real }}][{{ n.foo }}]"),
    ("call_string_method_on_markup", "{{ ('<b>'|safe).upper() }} {{ ('a<b>'|safe).replace('a', '<') }}"),
    ("cycler_reset", "{% set c = cycler(1, 2, 3) %}{{ c.next() }}{{ c.next() }}{% set _ = c.reset() %}{{ c.next() }}{{ c.current }}"),
    ("joiner_default", "{% set j = joiner() %}{% for x in 'abc' %}{{ j() }}{{ x }}{% endfor %}"),
    ("range_negative_step", "{{ range(10, 0, -3)|list }} {{ range(-3)|list }} {{ range(0, 10, 20)|list }}"),
    ("range_float_error", "{{ range(1.5)|list }}"),
    ("whitespace_in_tags", "{%if true%}a{%endif%}{{1}}{%   for x in [1]   %}{{  x  }}{%   endfor   %}"),
    ("comment_with_tags_inside", "a{# {% if %} {{ }} #}b{#\nmultiline\n#}c"),
    ("raw_with_dashes", "{%- raw %}  {{ x }}  {% endraw -%}  z"),
    ("nested_quotes", "{{ \"it's\" }} {{ 'say \"x\"' }} {{ 'a\\'b' }}"),
    ("unicode_names_data", "{{ unicode|length }} {{ unicode[:5] }} {{ unicode|reverse }} {{ unicode.upper() }}"),
    ("emoji_len", "{{ '👍🏽'|length }} {{ 'e\u0301'|length }} {{ '👍🏽'[0] }}"),
    ("escape_all_chars", "{{ '<>&\\'\"'|e }} {{ '<>&\\'\"'|forceescape|length }}"),
    ("block_inside_for_in_child", "{% extends 'loopbase.txt' %}{% block row %}[{{ item }}]{% endblock %}", {}, {"templates": {"loopbase.txt": "{% for item in [1, 2] %}{% block row scoped %}{{ item }}{% endblock %}{% endfor %}"}}),
    ("super_twice", "{% extends 'b.txt' %}{% block x %}{{ super() }}{{ super() }}{% endblock %}", {}, {"templates": {"b.txt": "<{% block x %}B{% endblock %}>"}}),
    ("child_defines_unknown_block", "{% extends 'b.txt' %}{% block nope %}N{% endblock %}", {}, {"templates": {"b.txt": "<{% block x %}B{% endblock %}>"}}),
    ("nested_blocks_override_inner", "{% extends 'nb.txt' %}{% block inner %}I2{% endblock %}", {}, {"templates": {"nb.txt": "{% block outer %}O[{% block inner %}I{% endblock %}]{% endblock %}"}}),
    ("nested_blocks_override_outer", "{% extends 'nb.txt' %}{% block outer %}X{{ super() }}{% endblock %}", {}, {"templates": {"nb.txt": "{% block outer %}O[{% block inner %}I{% endblock %}]{% endblock %}"}}),
    ("extends_with_macro_import", "{% extends 'b.txt' %}{% import 'm.txt' as m %}{% block x %}{{ m.f() }}{% endblock %}", {}, {"templates": {"b.txt": "<{% block x %}B{% endblock %}>", "m.txt": "{% macro f() %}F{% endmacro %}"}}),
    ("import_with_context", "{% set who = 'ctx' %}{% import 'w.txt' as w with context %}{{ w.f() }}", {}, {"templates": {"w.txt": "{% macro f() %}{{ who }}{% endmacro %}"}}),
    ("import_without_context_default", "{% set who = 'ctx' %}{% import 'w.txt' as w %}[{{ w.f() }}]", {}, {"templates": {"w.txt": "{% macro f() %}{{ who }}{% endmacro %}"}}),
    ("from_import_with_context", "{% from 'w.txt' import f with context %}{{ f() }}", {"who": "render"}, {"templates": {"w.txt": "{% macro f() %}{{ who }}{% endmacro %}"}}),
    ("import_module_str", "{% import 'w.txt' as w %}[{{ w }}]", {}, {"templates": {"w.txt": "body text{% macro f() %}{% endmacro %}"}}),
    ("include_in_macro", "{% macro m(item) %}{% include 'i.txt' %}{% endmacro %}{{ m('x') }}", {}, {"templates": {"i.txt": "<{{ item }}>"}}),
    ("include_dynamic_name", "{% include name ~ '.txt' %}", {"name": "i"}, {"templates": {"i.txt": "dyn"}}),
    ("include_with_trailing_newline", "a\n{% include 'nl.txt' %}\nb", {}, {"templates": {"nl.txt": "line\n"}}),
]
for row in EDGE:
    n, src = row[0], row[1]
    c = row[2] if len(row) > 2 else None
    extra = row[3] if len(row) > 3 else {}
    add2("edge", n, src, c, **extra)

WS2 = [
    ("dash_on_var_before_block", "a\n{{- 'b' }}\n{%- if true %}\nc\n{%- endif %}\nd"),
    ("set_lines", "{% set a = 1 %}\n{% set b = 2 %}\n{{ a + b }}\n"),
    ("macro_lines", "{% macro m() %}\n  body\n{% endmacro %}\n[{{ m() }}]\n"),
    ("for_else_lines", "{% for x in [] %}\nx\n{% else %}\n  empty\n{% endfor %}\n"),
    ("comment_lines", "a\n{# c #}\nb\n  {# indented #}\nc"),
    ("raw_lines", "{% raw %}\n  {{ x }}\n{% endraw %}\n"),
    ("nested_indented", "<div>\n  {% if true %}\n    {% for i in [1, 2] %}\n      <p>{{ i }}</p>\n    {% endfor %}\n  {% endif %}\n</div>\n"),
    ("tabs_indent", "\t{% if true %}\n\tx\n\t{% endif %}\n"),
    ("block_tags", "{% block a %}\n  A\n{% endblock %}\n"),
    ("var_at_line_start", "  {{ 'v' }}\n"),
    ("dash_var_multi", "{{ 'a' -}}\n\n   {{- 'b' }}"),
    ("only_newlines", "\n\n\n"),
    ("cr_only", "a\rb\r{% if true %}\rc{% endif %}"),
    ("lstrip_after_text_same_line", "text {% if true %}\nx{% endif %}"),
]
for n, src in WS2:
    for suffix, opts in [("", {}), ("_trim", {"trim_blocks": True}), ("_lstrip", {"lstrip_blocks": True}), ("_both", {"trim_blocks": True, "lstrip_blocks": True}),
                         ("_keep", {"keep_trailing_newline": True})]:
        add2("ws2", n + suffix, src, {}, options=opts)

ERR2 = [
    ("endfor_name_mismatch", "{% for x in [] %}{% endblock %}"),
    ("else_twice", "{% if a %}{% else %}{% else %}{% endif %}"),
    ("macro_bad_sig", "{% macro m(1) %}{% endmacro %}"),
    ("call_not_call", "{% call foo %}{% endcall %}"),
    ("set_target_invalid", "{% set 1 = 2 %}"),
    ("with_bad", "{% with 1 %}{% endwith %}"),
    ("from_import_underscore", "{% from 'x' import _p %}"),
    ("filter_args_unclosed", "{{ x|f(1, }}"),
    ("dict_missing_colon", "{{ {'a' 1} }}"),
    ("list_trailing_comma_ok", "{{ [1, 2,] }} {{ {'a': 1,} }} {{ (1, 2,) }}"),
    ("string_unterminated_in_block", "{% set x = 'abc %}"),
    ("var_end_in_block", "{% if x }}"),
    ("unknown_test_in_if_branch", "{% if x is defined %}{{ x is nope }}{% endif %}ok"),
    ("include_none", "{% include none %}"),
    ("extends_non_string", "{% extends 42 %}"),
    ("missing_endraw_name", "{% raw %}abc{% endraw"),
    ("gt_without_expr", "{{ 1 > }}"),
    ("lonely_else", "{% else %}"),
    ("lonely_endmacro", "{% endmacro %}"),
    ("block_end_name_ok", "{% block a %}x{% endblock a %}"),
    ("block_end_name_wrong", "{% block a %}x{% endblock b %}"),
    ("macro_call_undefined_macro", "{{ m() }}"),
    ("getattr_on_undefined_chain", "{{ a.b.c }}"),
    ("call_string", "{{ 'x'() }}"),
    ("iterate_float", "{% for x in 1.5 %}{% endfor %}"),
    ("int_plus_none", "{{ 1 + none }}"),
    ("str_minus", "{{ 'a' - 'b' }}"),
    ("neg_string", "{{ -'a' }}"),
    ("in_int", "{{ 1 in 2 }}"),
    ("not_in_str_int", "{{ 1 in 'abc' }}"),
    ("index_list_by_str_ok", "[{{ [1, 2]['x'] }}]"),
    ("sum_strings_error", "{{ ['a', 'b']|sum }}"),
    ("abs_string_error", "{{ 'x'|abs }}"),
    ("join_on_int_error", "{{ 5|join }}"),
    ("dictsort_on_list_error", "{{ [1]|dictsort }}"),
    ("items_on_list_error", "{{ [1]|items|list }}"),
    ("truncate_too_short", "{{ 'abcdef'|truncate(2) }}"),
    ("format_not_enough", "{{ '%s %s'|format(1) }}"),
    ("strfmt_index_error", "{{ '{1}'.format('a') }}"),
    ("strfmt_key_error", "{{ '{x}'.format(y=1) }}"),
    ("selectattr_no_attr", "{{ users|selectattr|list }}"),
    ("map_unknown_filter", "{{ [1]|map('nope')|list }}"),
    ("select_unknown_test", "{{ [1]|select('nope')|list }}"),
    ("unpack_string", "{% set a, b = 'xy' %}{{ a }}{{ b }}"),
    ("unpack_too_many", "{% set a, b = 'xyz' %}"),
]
for n, src in ERR2:
    add2("error2", n, src)

# realistic mail snippets with whitespace control
mailws = """{%- set total = alerts|length -%}
Subject: [{{ tenant.name }}] {{ total }} alert{{ 's' if total != 1 }}
{% for a in alerts if a.status != 'OK' -%}
  * {{ "%-8s"|format(a.status) }} {{ a.host }}/{{ a.service }} ({{ a.value }}%)
{% endfor -%}
{%- if alerts|selectattr('status', 'eq', 'CRIT')|list %}
Critical hosts: {{ alerts|selectattr('status', 'eq', 'CRIT')|map(attribute='host')|unique|join(', ') }}
{%- endif %}

-- {{ tenant.footer|wordwrap(30) }}
"""
add2("mail2", "digest_text_ws", mailws, digest)
add2("mail2", "digest_text_ws_trim", mailws, digest, options={"trim_blocks": True, "lstrip_blocks": True})
de_alert = """{% set labels = {'OK': 'OK', 'WARN': 'Warnung', 'CRIT': 'Kritisch', 'NO_DATA': 'Keine Daten'} -%}
{% if alert.is_recovery -%}
Entwarnung: {{ alert.service.display_name }} auf {{ alert.host.name }} ist wieder {{ labels[alert.status] }}.
{%- else -%}
Störung: {{ alert.service.display_name }} auf {{ alert.host.name }} – {{ labels.get(alert.status, alert.status) }}
{%- endif %}
Meldung: {{ alert.message }}
{% if alert.acknowledged_by %}Bestätigt von {{ alert.acknowledged_by }}{% else %}Noch nicht bestätigt{% endif %}
Link: {{ alert.host_url }}
"""
add2("mail2", "alert_de_txt", de_alert, alert)
add2("mail2", "alert_de_txt_recovery", de_alert, rec)
add2("mail2", "alert_de_html_autoescape", de_alert, alert, autoescape=True)
big_table = """<table>
{%- for r in rows %}
<tr class="{{ loop.cycle('odd', 'even') }}"><td>{{ loop.index }}</td><td>{{ r.name|title }}</td><td>{{ r.email|default('-', true)|lower }}</td><td>{{ '%.2f'|format(r.amount) }}</td><td>{{ r.tags|join(', ') }}</td></tr>
{%- endfor %}
</table>
Total: {{ rows|sum(attribute='amount')|round(2) }}"""
rows = [{"name": "user %d <x>" % i, "email": ("U%d@Example.com" % i) if i % 3 else "", "amount": i * 1.25, "tags": ["a", "b&c"][: i % 3]} for i in range(40)]
add2("mail2", "big_table_autoescape", big_table, {"rows": rows}, autoescape=True)
add2("mail2", "big_table_plain", big_table, {"rows": rows})

for group, items in cases2.items():
    with open(os.path.join(OUT, f"{group}.json"), "w", encoding="utf-8") as fh:
        json.dump(items, fh, ensure_ascii=False, indent=None if group.startswith("gen_") else 1)
        fh.write("\n")
print(sum(len(v) for v in cases2.values()), "second-wave cases")

# ---------------------------------------------------------------- third wave: scoping and inheritance corners
cases3 = {}


def add3(group, name, source, context=None, **kw):
    c = {"name": f"{group}/{name}", "source": source, "context": {} if context is None else context}
    c.update(kw)
    cases3.setdefault(group, []).append(c)


base3 = {"b.txt": "<{% block x %}B{% endblock %}|{% block y %}Y{% endblock %}>",
         "inc_block.txt": "[{% block ib %}IB{% endblock %}]",
         "m.txt": "{% macro f(x) %}F{{ x }}{% endmacro %}{% set top = 'T' %}",
         "cond.txt": "{% if flag %}{% extends 'b.txt' %}{% endif %}{% block x %}own{% endblock %}",
         "deep1.txt": "{% extends 'b.txt' %}{% block x %}1{{ super() }}{% endblock %}",
         "deep2.txt": "{% extends 'deep1.txt' %}{% block x %}2{{ super() }}{% endblock %}{% block y %}y2{% endblock %}",
         "item.txt": "<{{ item }}>", "loopinc.txt": "{% for i in [1, 2] %}{{ loop.index }}{% endfor %}",
         "setter.txt": "{% set shared = 'from include' %}{{ shared }}"}
SC = [
    ("set_in_loop_accumulate", "{% set x = 0 %}{% for i in [1, 2, 3] %}{% set x = x + i %}{{ x }}{% endfor %}|{{ x }}"),
    ("set_in_loop_then_read", "{% for i in [1, 2] %}{{ y|default('-') }}{% set y = i %}{{ y }}{% endfor %}"),
    ("set_in_if_in_loop_visible", "{% for i in [1, 2] %}{% if i == 1 %}{% set z = 'a' %}{% endif %}{{ z|default('none') }}{% endfor %}"),
    ("outer_loop_var_in_inner", "{% for a in [1, 2] %}{% for b in [3] %}{{ a }}{{ b }}{{ loop.index }}{% endfor %}{% endfor %}"),
    ("loop_var_in_macro_call", "{% macro m() %}{{ i|default('undef') }}{% endmacro %}{% for i in [1] %}{{ m() }}{% endfor %}"),
    ("caller_sees_loop_vars", "{% macro m() %}{{ caller() }}{% endmacro %}{% for i in [1, 2] %}{% call m() %}{{ i }}{% endcall %}{% endfor %}"),
    ("with_inside_for", "{% for i in [1, 2] %}{% with j = i * 10 %}{{ j }}{% endwith %}{% endfor %}"),
    ("namespace_across_loops", "{% set ns = namespace(items=[]) %}{% for i in [1, 2] %}{% set ns.items = ns.items + [i] %}{% endfor %}{{ ns.items }}"),
    ("conditional_extends_true", None, {"flag": True}, "cond.txt"),
    ("conditional_extends_false", None, {"flag": False}, "cond.txt"),
    ("three_level_super", None, {}, "deep2.txt"),
    ("extends_deep2_override", "{% extends 'deep2.txt' %}{% block y %}[{{ super() }}]{% endblock %}"),
    ("include_block_template", "{% include 'inc_block.txt' %}"),
    ("import_then_use_in_block", "{% extends 'b.txt' %}{% from 'm.txt' import f %}{% block x %}{{ f(1) }}{% endblock %}"),
    ("import_top_var", "{% import 'm.txt' as m %}{{ m.top }}"),
    ("include_loop_index", "{% for i in 'ab' %}{% include 'loopinc.txt' %}{{ loop.index }}{% endfor %}"),
    ("include_set_not_leaking", "{% include 'setter.txt' %}|{{ shared|default('hidden') }}"),
    ("block_reuse_self", "{% block t %}Title{% endblock %} - {{ self.t() }}"),
    ("super_in_outer_template", "{% block a %}x{% endblock %}"),
    ("set_before_extends_visible", "{% set v = 'V' %}{% extends 'b.txt' %}{% block x %}{{ v }}{% endblock %}"),
    ("set_after_extends_visible", "{% extends 'b.txt' %}{% set v = 'V' %}{% block x %}{{ v }}{% endblock %}"),
    ("macro_in_child_outside_block", "{% extends 'b.txt' %}{% macro m() %}M{% endmacro %}{% block x %}{{ m() }}{% endblock %}"),
    ("block_loop_var_unscoped", "{% for item in [1] %}{% block blk %}[{{ item }}]{% endblock %}{% endfor %}", {"item": "ctx"}),
    ("recursive_loop_with_outer_var", "{% set prefix = '-' %}{% for n in tree recursive %}{{ prefix }}{{ n.name }}{{ loop(n.children) if n.children }}{% endfor %}",
     {"tree": [{"name": "a", "children": [{"name": "b", "children": []}]}]}),
    ("filter_block_scope", "{% set x = 1 %}{% filter upper %}{% set x = 2 %}{{ x }}{% endfilter %}{{ x }}"),
    ("call_block_scope", "{% macro m() %}{{ caller() }}{% endmacro %}{% set x = 1 %}{% call m() %}{% set x = 2 %}{{ x }}{% endcall %}{{ x }}"),
    ("set_block_scope", "{% set x = 1 %}{% set y %}{% set x = 2 %}{{ x }}{% endset %}{{ y }}{{ x }}"),
    ("macro_arg_shadows_global", "{% set name = 'global' %}{% macro m(name) %}{{ name }}{% endmacro %}{{ m('arg') }}{{ name }}"),
    ("loop_else_sees_outer", "{% set x = 'o' %}{% for i in [] %}{% else %}{{ x }}{% endfor %}"),
    ("items_var_name", "{% for items in [[1, 2]] %}{{ items|length }}{% endfor %}"),
    ("special_names", "{% set loop = 'myloop' %}{{ loop }}{% for i in [1] %}{{ loop.index }}{% endfor %}{{ loop }}"),
    ("range_in_loop_cycler", "{% set c = cycler('x', 'y') %}{% for i in range(3) %}{{ c.next() }}{% endfor %}"),
    ("dict_iteration_order_ctx", "{% for k, v in data.items() %}{{ k }}={{ v }};{% endfor %}", {"data": {"zeta": 1, "alpha": 2, "mid": 3}}),
    ("block_reads_later_root_set", "{% block a %}[{{ n }}]{% endblock %}{% set n = 1 %}{{ n }}", {"n": 5}),
    ("loop_reads_later_root_set", "{% for i in [1] %}[{{ n }}]{% endfor %}{% set n = 1 %}", {"n": 5}),
    ("include_reads_later_loop_set", "{% for i in [1] %}{% include 'item.txt' %}{% set item = 2 %}{% endfor %}", {"item": "ctx"}),
    ("range_object", "{{ range(3) }} {{ range(1, 10, 2) }} {{ [range(2)] }} {{ range(0) is sequence }} {{ 'yes' if range(0) else 'no' }} {{ range(5)[2] }} {{ range(5)[-1] }} {{ range(3)|length }} {{ 2 in range(3) }} {{ range(4)|reverse|list }} {{ range(2) == [0, 1] }}", {}),
    ("range_object_loops", "{% set r = range(3) %}{% for i in r %}{{ i }}{% endfor %}{% for i in r %}{{ i }}{% endfor %}{{ r|sum }}{{ r|join('-') }}{{ r|first }}{{ r|last }}", {}),
    ("generator_twice", "{% set xs = items|select('odd') %}{{ xs|list }}{{ xs|list }}", {"items": [1, 2, 3]}),
    ("generator_first_then_rest", "{% set xs = items|map('string') %}{{ xs|first }}|{{ xs|join(',') }}", {"items": [1, 2, 3]}),
    ("generator_truthy_when_empty", "{% if items|select('gt', 10) %}yes{% else %}no{% endif %}", {"items": [1, 2, 3]}),
    ("generator_length_error", "{{ items|select('odd')|length }}", {"items": [1, 2, 3]}),
    ("generator_in_consumes", "{% set xs = items|map('int') %}{{ 2 in xs }}{{ xs|list }}", {"items": [1, 2, 3]}),
    ("generator_loop_length", "{% for x in items|reject('odd') %}{{ loop.length }}{{ x }}{% endfor %}", {"items": [1, 2, 3, 4]}),
    ("reverse_iterator_twice", "{% set r = items|reverse %}{{ r|join }}{{ r|join }}|{{ items|reverse|list }}", {"items": [1, 2, 3]}),
    ("generator_last_error", "{{ items|select|last }}", {"items": [1, 2, 3]}),
    ("generator_lazy_error_unused", "{% set xs = items|map('nope') %}ok", {"items": [1, 2, 3]}),
    ("generator_lazy_error_used", "{% set xs = items|map('nope') %}{{ xs|list }}", {"items": [1, 2, 3]}),
    ("json_types_print", "{{ data }}", {"data": {"i": 1, "f": 1.0, "big": 12345678901, "neg": -0.5, "t": True, "n": None, "s": "x", "l": [], "d": {}}}),
    ("json_float_values", "{{ v }} {{ v * 2 }} {{ v|int }} {{ w }}", {"v": 2.5, "w": 1e21}),
    ("json_unicode_keys", "{{ data['clé'] }} {{ data.keys()|list }}", {"data": {"clé": "v", "ключ": 1}}),
]
for row in SC:
    n, src = row[0], row[1]
    c = row[2] if len(row) > 2 else {}
    extra = {"templates": base3}
    if len(row) > 3:
        extra["template_name"] = row[3]
    add3("scope", n, src, c, **extra)

for group, items in cases3.items():
    with open(os.path.join(OUT, f"{group}.json"), "w", encoding="utf-8") as fh:
        json.dump(items, fh, ensure_ascii=False, indent=None if group.startswith("gen_") else 1)
        fh.write("\n")
print(sum(len(v) for v in cases3.values()), "third-wave cases")

# ---------------------------------------------------------------- fourth wave: numbers, markup, filter corners
cases4 = {}
MORE = [
    ("float_repr_ranges", "{{ 1e16 }} {{ 9.9e15 }} {{ 2**53 + 0.0 }} {{ 123456789.0 * 100000000 }} {{ 0.1 * 3 }} {{ 1.1 + 2.2 }} {{ 1e-4 }} {{ 0.00009999 }} {{ 1e15 + 0.3 }}"),
    ("float_repr_big", "{{ 12345678901234567890.0 }} {{ 9007199254740993.0 }} {{ 4.35e15 }} {{ 9.1e15 }} {{ -9.5e15 }}"),
    ("round_precise", "{{ 1.23456789e-7|round(10) }} {{ 1234.5|round }} {{ 0.5|round(0) }} {{ 1.15|round(1) }} {{ 1.25|round(1) }} {{ 1.35|round(1) }} {{ 2.345|round(2) }} {{ 1e20|round(2) }}"),
    ("format_floats", "{{ '%.2f'|format(1.005) }} {{ '%.2f'|format(2.675) }} {{ '%.0f'|format(0.5) }} {{ '%.0f'|format(1.5) }} {{ '%.3f'|format(-0.0005) }} {{ '%.1f'|format(1e16) }} {{ '%.2f'|format(-1.255) }} {{ '%f'|format(1/3) }}"),
    ("format_e_g", "{{ '%e'|format(0.000123) }} {{ '%.2e'|format(-12345.6789) }} {{ '%g'|format(100000) }} {{ '%g'|format(1000000) }} {{ '%G'|format(1e-10) }} {{ '%.3g'|format(3.14159) }}"),
    ("markup_ops", "{{ ('<a>'|safe) * 2 }} {{ ('%s|'|safe) % '<x>' }} {{ ('<%s>'|safe) % ('<y>',) }}", {}, {"autoescape": True}),
    ("markup_ops_plain", "{{ ('<a>'|safe) * 2 }} {{ ('%s|'|safe) % '<x>' }}"),
    ("map_first", "{{ {'b': 1, 'a': 2}|dictsort|map('first')|list }} {{ [[1, 2], [3]]|map('last')|list }} {{ [[1, 2], [3]]|map('length')|list }}"),
    ("map_sum_nested", "{{ [[1, 2], [3]]|map('sum')|list }} {{ ['a', 'bb']|map('length')|max }}"),
    ("join_attribute_index", "{{ [[1, 'a'], [2, 'b']]|join(',', attribute=1) }}"),
    ("string_filters_on_numbers", "{{ 3|string|length }} {{ 12345|string|reverse }} {{ 3.5|string ~ 'x' }} {{ 42|center(6) }}|{{ 42|title }} {{ 1.0|upper }}"),
    ("format_none_bool", "{{ '%s %s %r'|format(none, true, none) }} {{ '%d'|format(true) }} {{ '%5.1s|'|format('abc') }}"),
    ("indent_first", "{{ 'x'|indent(first=true) }}|{{ 'a\\n\\nb'|indent(2, blank=true) }}|{{ ''|indent(first=true) }}|"),
    ("wordwrap_small", "{{ 'abc def'|wordwrap(2) }}|{{ 'a b c d e f'|wordwrap(3) }}|{{ 'one\ttwo three'|wordwrap(5) }}"),
    ("wordwrap_wrapstring_markup", "{{ 'one two three four'|wordwrap(8, wrapstring='<br>') }}", {}, {"autoescape": True}),
    ("filesizeformat_small", "{{ 10|filesizeformat }} {{ 1001|filesizeformat }} {{ 1000|filesizeformat(true) }} {{ -5|filesizeformat }} {{ 1e3|filesizeformat }}"),
    ("truncate_markup", "{{ '<b>bold text here</b>'|truncate(10) }}", {}, {"autoescape": True}),
    ("striptags_markup_entities", "{{ ('<p>a &amp; b &lt;c&gt; &nbsp;x&copy;</p>'|safe)|striptags }}"),
    ("unique_mixed", "{{ [1, 1.0, '1', true]|unique|list }} {{ ['A', 'a', 'B']|unique(true)|list }}"),
    ("sort_none_error", "{{ [3, none]|sort }}"),
    ("sort_case_tuples", "{{ [('b', 2), ('A', 1), ('a', 0)]|sort }} {{ ['b', 'A', 'a']|sort }} {{ ['b', 'A', 'a']|sort(case_sensitive=true) }}"),
    ("max_min_strings", "{{ ['b', 'A', 'c']|max }} {{ ['b', 'A', 'c']|min }} {{ 'hello'|max }}"),
    ("length_of_dict_filters", "{{ {'a': 1}|length }} {{ {'a': 1}|list }} {{ {'a': 1}|first }}"),
    ("default_false_values", "{{ 0|default('x') }} {{ false|default('x') }} {{ []|default('x', true) }} {{ none|default('x', true) }}"),
    ("select_equalto_strings", "{{ ['a', 'b', 'a']|select('equalto', 'a')|list|length }} {{ users|selectattr('name', 'in', ['Alice', 'dave'])|map(attribute='age')|list }}", None),
    ("reject_string_tests", "{{ ['A', 'b', 'C']|reject('upper')|list }} {{ ['A', 'b', 'C']|select('lower')|list }}"),
    ("attr_getter_dotted_missing", "{{ users|map(attribute='x.y')|list }}"),
    ("batch_strings", "{{ 'abcde'|batch(2)|list }} {{ 'abcde'|slice(2)|list }}"),
    ("count_string", "{{ 'hello'|count }} {{ 'hello'.count('l') }}"),
    ("float_int_of_big_strings", "{{ '9999999999'|int }} {{ '1e5'|float|int }} {{ '  3.7  '|float }}"),
    ("urlencode_safe_chars", "{{ 'a/b:c@d~e_f.g-h'|urlencode }} {{ {'k': 'a/b'}|urlencode }}"),
    ("tojson_markup_and_unicode", "{{ ('<x>'|safe)|tojson }} {{ 'Grüße 😀'|tojson }} {{ [(1, 2)]|tojson }}"),
    ("title_capitalize_markup", "{{ ('<b>hello world</b>'|safe)|title }} {{ ('<b>HELLO</b>'|safe)|capitalize }}", {}, {"autoescape": True}),
    ("escape_numbers_markup", "{{ 1|e }} {{ 1.5|e }} {{ true|e }} {{ [1, '<']|e }}", {}, {"autoescape": True}),
    ("safe_then_escape_filters", "{{ '<a>'|safe|e }} {{ '<a>'|e|e }} {{ '<a>'|forceescape|forceescape }}"),
    ("dict_attribute_vs_key", "{{ data['items'] }} {{ data.values is callable }} {{ data.x }}", {"data": {"items": "ITEMS", "x": 1}}),
    ("list_attribute", "[{{ [1].x }}] {{ [1, 2].count(1) }} {{ [3, 1].index(1) }}"),
    ("getitem_float_index", "[{{ [1, 2][1.0] }}]"),
    ("negative_zero", "{{ -0 }} {{ -0.0 }} {{ 0.0 * -1 }} {{ (-0.0)|round }} {{ -0.0|abs }}"),
    ("bool_ops_values", "{{ [] or {} or 0 or 'last' }} {{ 1 and [] }} {{ (none or 0) is none }}"),
    ("string_compare_unicode", "{{ 'é' > 'z' }} {{ 'a' < 'B' }} {{ ['b', 'é', 'a']|sort }}"),
    ("inline_if_chains", "{{ 'a' if false else 'b' if false else 'c' }} {{ 1 if 0 else 2 if 1 else 3 }}"),
    ("filter_on_inline_if", "{{ 'x' if true else 'y'|upper }} {{ ('x' if true else 'y')|upper }}"),
    ("test_on_filter_result", "{{ 'abc'|upper is upper }} {{ 5 is not none and 5 is odd }}"),
    ("tuple_slicing", "{{ (1, 2, 3)[1:] }} {{ (1, 2, 3)[0] }} {{ ('a',)|list }}"),
    ("in_operator_strings", "{{ '' in 'abc' }} {{ 'abc' in 'abc' }} {{ 'b' in ['abc'] }}"),
]
for row in MORE:
    n, src = row[0], row[1]
    c = row[2] if len(row) > 2 and row[2] is not None else ctx
    extra = row[3] if len(row) > 3 else {}
    cc = {"name": f"more/{n}", "source": src, "context": c}
    cc.update(extra)
    cases4.setdefault("more", []).append(cc)
for group, items in cases4.items():
    with open(os.path.join(OUT, f"{group}.json"), "w", encoding="utf-8") as fh:
        json.dump(items, fh, ensure_ascii=False, indent=None if group.startswith("gen_") else 1)
        fh.write("\n")
print(sum(len(v) for v in cases4.values()), "fourth-wave cases")

# ---------------------------------------------------------------- generated: whitespace matrix and arithmetic
import random

rng = random.Random(20240501)
gen = {}
pieces_text = ["a", "b c", " ", "  ", "\t", "\n", "\n\n", " \n", "\n  ", "x\n", "  y  "]
open_mods = ["", "-", "+"]
close_mods = ["", "-", "+"]


def tag(kind):
    o = rng.choice(open_mods)
    c = rng.choice(close_mods)
    if kind == "var":
        return "{{" + ("-" if o == "-" else "") + " 'v' " + ("-" if c == "-" else "") + "}}"
    if kind == "comment":
        return "{#" + ("-" if o == "-" else "") + " c " + ("-" if c == "-" else "") + "#}"
    if kind == "if":
        return "{%" + o + " if true " + c + "%}", "{%" + rng.choice(open_mods) + " endif " + rng.choice(close_mods) + "%}"
    if kind == "for":
        return "{%" + o + " for i in [1, 2] " + c + "%}", "{%" + rng.choice(open_mods) + " endfor " + rng.choice(close_mods) + "%}"
    if kind == "raw":
        return "{%" + ("-" if o == "-" else "") + " raw " + ("-" if c == "-" else "") + "%}", "{%" + ("-" if rng.random() < .3 else "") + " endraw " + ("-" if rng.random() < .3 else "") + "%}"
    if kind == "set":
        return "{%" + o + " set s = 1 " + c + "%}"


def random_template(depth=0):
    out = []
    for _ in range(rng.randint(2, 6)):
        r = rng.random()
        if r < 0.45:
            out.append(rng.choice(pieces_text))
        elif r < 0.6:
            out.append(tag("var"))
        elif r < 0.68:
            out.append(tag("comment"))
        elif r < 0.74:
            out.append(tag("set"))
        elif depth < 2 and r < 0.87:
            a, b = tag(rng.choice(["if", "for"]))
            out.append(a + random_template(depth + 1) + b)
        elif r < 0.93:
            a, b = tag("raw")
            out.append(a + rng.choice(pieces_text) + "{{ x }}" + rng.choice(pieces_text) + b)
        else:
            out.append(rng.choice(pieces_text))
    return "".join(out)


for i in range(150):
    src = random_template()
    if rng.random() < 0.3:
        src += "\n"
    for suffix, opts in [("", {}), ("_trim", {"trim_blocks": True}), ("_lstrip", {"lstrip_blocks": True}), ("_both", {"trim_blocks": True, "lstrip_blocks": True})]:
        gen.setdefault("gen_ws", []).append({"name": f"gen_ws/{i}{suffix}", "source": src, "context": {}, "options": opts})

nums = ["0", "1", "2", "3", "7", "-3", "10", "255", "0.5", "1.5", "2.25", "-0.1", "3.0", "1e3", "0.1", "1e-7", "123.456", "1e300"]
ops = ["+", "-", "*", "/", "//", "%", "**"]
for i in range(200):
    a, b, c = rng.choice(nums), rng.choice(nums), rng.choice(nums)
    o1, o2 = rng.choice(ops), rng.choice(ops)
    if o1 == "**":
        a = rng.choice(["0", "1", "2", "3", "0.5", "7", "1.5"])
        b = rng.choice(["0", "1", "2", "3", "0.5", "-1"])
    if o2 == "**":
        a = rng.choice(["0", "1", "2", "3", "0.5", "7", "1.5"])
        c = rng.choice(["0", "1", "2", "3", "0.5", "-1"])
    src = "{{ %s %s %s }}|{{ %s %s (%s) }}|{{ (%s %s %s)|round(3) }}|{{ %s < %s }}" % (a, o1, b, a, o2, c, a, o1, b, b, c)
    gen.setdefault("gen_math", []).append({"name": f"gen_math/{i}", "source": src, "context": {}})

floats = [0.1, 0.2, 0.3, 1/3, 2/3, 1e-5, 1e-4, 123456.789, 1e15, 1e16, 9.999999e15, 12345678.9, 5e-324, 1.7976931348623157e308,
          0.5, 2.5, 0.125, 0.375, 1.005, 2.675, 1.0000001, 99.995, -1.5, -0.0001]
for i, f in enumerate(floats):
    src = "{{ v }} {{ v|round(2) }} {{ v|round(1, 'floor') }} {{ v|round(1, 'ceil') }} {{ '%.2f'|format(v) }} {{ '%.3e'|format(v) }} {{ v|string }} {{ v|tojson }} {{ v * 3 }} {{ v|int }}"
    gen.setdefault("gen_float", []).append({"name": f"gen_float/{i}", "source": src, "context": {"v": f}})

for group, items in gen.items():
    with open(os.path.join(OUT, f"{group}.json"), "w", encoding="utf-8") as fh:
        json.dump(items, fh, ensure_ascii=False, indent=None if group.startswith("gen_") else 1)
        fh.write("\n")
print(sum(len(v) for v in gen.values()), "generated cases")

# ---------------------------------------------------------------- generated: random filter applications
rng2 = random.Random(777)
values = ["'Hello World'", "'  padded  '", "'<b>x & y</b>'", "'ÄÖÜ äöü ß'", "''", "'a-b c_d'", "'line1\\nline2'", "42", "-7", "3.14159", "0", "1e6",
          "[3, 1, 2]", "['b', 'A', 'c']", "[]", "[1, 'a', none]", "{'b': 2, 'a': 1}", "{}", "none", "true", "(1, 2)", "users", "range(5)",
          "'https://example.com/a?b=c&d=e'", "'one two three four five six seven'", "[[1, 2], [3, 4]]", "[0.5, 1.5, 2.5]"]
filter_forms = ["abs", "capitalize", "center(12)", "count", "default('D')", "default('D', true)", "dictsort", "e", "escape",
                "filesizeformat", "filesizeformat(true)", "first", "float", "forceescape", "format('x')", "indent(2)", "indent(2, true)",
                "int", "items", "join(',')", "join", "last", "length", "list", "lower", "map('string')", "max", "min", "pprint",
                "reject", "reverse", "round", "round(1, 'ceil')", "safe", "select", "slice(2)", "batch(2)", "sort", "sort(reverse=true)", "string",
                "striptags", "sum", "title", "tojson", "trim", "truncate(9)", "unique", "upper", "urlencode", "urlize", "wordcount",
                "wordwrap(10)", "xmlattr", "replace('a', 'X')", "center", "string|length", "list|length", "first|string", "tojson(2)",
                "select('odd')", "reject('string')", "map('upper')", "groupby(0)", "sum(start=1)", "join('<br>')", "attr('upper')"]
for i in range(400):
    v = rng2.choice(values)
    chain = "|".join(rng2.choice(filter_forms) for _ in range(rng2.randint(1, 2)))
    src = "{{ %s|%s }}" % (v, chain)
    auto = rng2.random() < 0.3
    c = {"name": f"gen_filter/{i}", "source": src, "context": {"users": users}}
    if auto:
        c["autoescape"] = True
    gen.setdefault("gen_filter", []).append(c)
# Drop cases whose Jinja2 output shows Python object identities (generators, iterators, bound
# methods): they print memory addresses no other engine can reproduce.
import importlib.util
_spec = importlib.util.spec_from_file_location("jinja_oracle", os.path.join(HERE, "jinja_oracle.py"))
_oracle = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_oracle)
kept = []
for c in gen["gen_filter"]:
    r = _oracle.run(c)
    out = r.get("output", "")
    if " at 0x" in out:
        continue
    kept.append(c)
gen["gen_filter"] = kept
with open(os.path.join(OUT, "gen_filter.json"), "w", encoding="utf-8") as fh:
    json.dump(gen["gen_filter"], fh, ensure_ascii=False)
    fh.write("\n")
print(len(gen["gen_filter"]), "random filter cases")

# ---------------------------------------------------------------- generated: tests, methods, comparisons
rng3 = random.Random(4242)
tvals = ["'abc'", "'ABC'", "'Abc'", "''", "'12'", "0", "1", "2", "-3", "2.0", "0.5", "true", "false", "none", "[]", "[1, 2]", "{}", "{'a': 1}",
         "(1,)", "missing", "users", "range(3)", "'<b>'|safe", "'x'|e", "users[0]", "users[0].name", "n", "f", "s"]
tests = ["defined", "undefined", "none", "boolean", "false", "true", "integer", "float", "number", "string", "mapping", "iterable",
         "sequence", "callable", "escaped", "lower", "upper", "odd", "even", "divisibleby(2)", "divisibleby 3", "eq 1", "ne 1", "lt 2",
         "le 2", "gt 0", "ge 1", "== 'abc'", "!= none", "< 3", "in [1, 2, 'abc']", "in 'abcdef'", "sameas none", "sameas true",
         "filter", "test", "greaterthan 1", "lessthan 1", "equalto 2"]
for i in range(250):
    v = rng3.choice(tvals)
    t = rng3.choice(tests)
    neg = " not" if rng3.random() < 0.3 else ""
    gen.setdefault("gen_test", []).append({"name": f"gen_test/{i}", "source": "{{ %s is%s %s }}" % (v, neg, t),
                                           "context": {"users": users[:2], "n": 42, "f": 3.14159, "s": "Hello World"}})

svals = ["'Hello World'", "'  a b  '", "'a,b,,c'", "'ÄbC'", "''", "'x-y_z'", "'1,234'", "'tab\\tsep'", "'CamelCase'", "'a\\nb'"]
meths = ["upper()", "lower()", "title()", "capitalize()", "strip()", "lstrip()", "rstrip()", "strip('a ')", "split()", "split(',')",
         "split(',', 1)", "rsplit(',', 1)", "splitlines()", "replace('a', 'X')", "replace('', '-')", "startswith('H')", "endswith('d')",
         "find('b')", "rfind('b')", "count('a')", "isalpha()", "isdigit()", "isalnum()", "isspace()", "islower()", "isupper()", "istitle()",
         "center(10, '*')", "ljust(8, '.')", "rjust(8)", "zfill(6)", "swapcase()", "partition(',')", "rpartition(',')", "join(['1', '2'])",
         "format()", "index('a')", "removeprefix('He')", "removesuffix('ld')", "expandtabs(4)", "casefold()", "startswith(('a', 'H'))"]
for i in range(250):
    sv = rng3.choice(svals)
    m = rng3.choice(meths)
    gen.setdefault("gen_method", []).append({"name": f"gen_method/{i}", "source": "{{ %s.%s }}" % (sv, m), "context": {}})

cvals = ["1", "2.5", "'a'", "'B'", "[1, 2]", "[1, 3]", "(1, 2)", "none", "true", "{'a': 1}", "''", "0", "[]"]
cops = ["==", "!=", "<", "<=", ">", ">=", "in", "not in"]
for i in range(200):
    a, b = rng3.choice(cvals), rng3.choice(cvals)
    op = rng3.choice(cops)
    extra = rng3.choice(["", " and true", " or 'x'", " and none"])
    gen.setdefault("gen_compare", []).append({"name": f"gen_compare/{i}", "source": "{{ %s %s %s%s }}|{{ (%s %s %s)|string|length }}" % (a, op, b, extra, a, op, b), "context": {}})

for group in ["gen_test", "gen_method", "gen_compare"]:
    with open(os.path.join(OUT, f"{group}.json"), "w", encoding="utf-8") as fh:
        json.dump(gen[group], fh, ensure_ascii=False)
        fh.write("\n")
print("tests/methods/compare generated")

# ---------------------------------------------------------------- generated: statements and scoping
rng4 = random.Random(99)
var_names = ["a", "b", "x", "item", "n"]


def rexpr():
    return rng4.choice(["a", "b", "x", "n", "item", "a ~ b", "x + 1", "n * 2", "loop.index", "loop.first", "items|length",
                        "a|default('da')", "x is defined", "ns.v", "(x or 0) + 1", "'lit'", "[a, b]|join('/')"])


def rstmt(depth=0):
    r = rng4.random()
    if r < 0.25 or depth > 2:
        return "{{ %s }}" % rexpr()
    if r < 0.4:
        return "{%% set %s = %s %%}" % (rng4.choice(var_names), rexpr())
    if r < 0.48:
        return "{%% set ns.v = %s %%}" % rexpr()
    if r < 0.62:
        body = "".join(rstmt(depth + 1) for _ in range(rng4.randint(1, 3)))
        els = "{% else %}E" + rstmt(depth + 1) if rng4.random() < 0.3 else ""
        return "{%% for %s in %s %%}%s%s{%% endfor %%}" % (rng4.choice(["item", "x", "a"]), rng4.choice(["items", "[1, 2]", "[]", "'ab'"]), body, els)
    if r < 0.74:
        body = "".join(rstmt(depth + 1) for _ in range(rng4.randint(1, 2)))
        return "{%% if %s %%}%s{%% else %%}%s{%% endif %%}" % (rexpr(), body, rstmt(depth + 1))
    if r < 0.84:
        body = "".join(rstmt(depth + 1) for _ in range(rng4.randint(1, 2)))
        return "{%% with %s = %s %%}%s{%% endwith %%}" % (rng4.choice(var_names), rexpr(), body)
    if r < 0.92:
        body = "".join(rstmt(depth + 1) for _ in range(rng4.randint(1, 2)))
        return "{%% macro m%d(a, b='mb') %%}%s{%% endmacro %%}{{ m%d(%s) }}" % (depth, body, depth, rexpr())
    body = "".join(rstmt(depth + 1) for _ in range(rng4.randint(1, 2)))
    return "{%% set cap %%}%s{%% endset %%}[{{ cap }}]" % body


for i in range(600):
    src = "{% set ns = namespace(v=0) %}" + "".join(rstmt() for _ in range(rng4.randint(2, 5))) + "|{{ a }}{{ b }}{{ x }}{{ ns.v }}"
    gen.setdefault("gen_stmt", []).append({"name": f"gen_stmt/{i}", "source": src, "context": {"a": "A", "items": [3, 4], "n": 5}})
with open(os.path.join(OUT, "gen_stmt.json"), "w", encoding="utf-8") as fh:
    json.dump(gen["gen_stmt"], fh, ensure_ascii=False)
    fh.write("\n")
print("statements generated")

# ---------------------------------------------------------------- generated: inheritance, includes, imports
rng5 = random.Random(31337)


def block_body(names, depth):
    parts = []
    for _ in range(rng5.randint(1, 3)):
        r = rng5.random()
        if r < 0.3:
            parts.append(rng5.choice(["txt", " ", "\n", "{{ v }}", "{{ loop_v|default('-') }}", "{{ g }}"]))
        elif r < 0.45:
            parts.append("{{ super() }}")
        elif r < 0.55 and depth < 2:
            n = rng5.choice(names)
            parts.append("{%% block %s %%}%s{%% endblock %%}" % (n + str(depth), block_body(names, depth + 1)))
        elif r < 0.65:
            parts.append("{% include 'inc.txt' %}")
        elif r < 0.75:
            parts.append("{{ m.f(v) }}")
        elif r < 0.85:
            parts.append("{% set v = v ~ '+' %}{{ v }}")
        else:
            parts.append("{% for loop_v in [1, 2] %}{{ loop_v }}{% endfor %}")
    return "".join(parts)


for i in range(300):
    names = ["a", "b", "c"]
    base = "{% import 'mac.txt' as m %}" + "".join(
        "[{%% block %s %%}%s{%% endblock %%}]" % (n, block_body(names, 0).replace("{{ super() }}", "")) for n in names)
    mid_blocks = "".join("{%% block %s %%}(mid %s){{ super() }}{%% endblock %%}" % (n, n) for n in names if rng5.random() < 0.5)
    mid = "{% extends 'base.txt' %}{% import 'mac.txt' as m %}" + mid_blocks
    child_blocks = "".join("{%% block %s %%}%s{%% endblock %%}" % (n, block_body(names, 1)) for n in names if rng5.random() < 0.6)
    parent = rng5.choice(["base.txt", "mid.txt"])
    child = "{%% extends '%s' %%}{%% import 'mac.txt' as m %%}{%% set g = 'G' %%}" % parent + child_blocks
    templates = {"base.txt": base, "mid.txt": mid, "child.txt": child,
                 "inc.txt": "<inc {{ v }}{{ loop_v|default('') }}>", "mac.txt": "{% macro f(x) %}f({{ x }}){% endmacro %}"}
    gen.setdefault("gen_inherit", []).append({"name": f"gen_inherit/{i}", "source": None, "context": {"v": "V", "g": "g0"},
                                              "templates": templates, "template_name": "child.txt"})
with open(os.path.join(OUT, "gen_inherit.json"), "w", encoding="utf-8") as fh:
    json.dump(gen["gen_inherit"], fh, ensure_ascii=False)
    fh.write("\n")
print("inheritance generated")

# ---------------------------------------------------------------- generated: autoescape / markup mixes
rng6 = random.Random(555)
atoms = ["html", "'<i>'", "'a&b'", "html|safe", "'<b>'|safe", "html|e", "raw", "raw|safe", "n", "none", "'\"q\"'", "m()", "cap", "items"]
ops6 = ["~", "+", "|replace('<', '[')", "|upper", "|lower", "|title", "|capitalize", "|trim", "|truncate(8)", "|center(12)",
        "|indent(2, true)", "|wordwrap(5)", "|striptags", "|string", "|e", "|forceescape", "|safe", "|urlize", "|format(html)",
        "|join(', ')", "|first", "|default('<d>')", "|replace('&', '&amp;'|safe)", "|tojson", "|list", "|length"]
for i in range(300):
    a = rng6.choice(atoms)
    expr = a
    for _ in range(rng6.randint(1, 3)):
        op = rng6.choice(ops6)
        if op in ("~", "+"):
            expr = "(%s %s %s)" % (expr, op, rng6.choice(atoms))
        else:
            expr = "(%s)%s" % (expr, op)
    src = "{% macro m() %}<m>{{ html }}</m>{% endmacro %}{% set cap %}<c>{{ raw }}</c>{% endset %}{{ " + expr + " }}"
    gen.setdefault("gen_markup", []).append({"name": f"gen_markup/{i}", "source": src, "autoescape": rng6.random() < 0.8,
                                             "context": {"html": "<b>T&J</b>", "raw": "x < y & 'z'", "n": 5, "items": ["<a>", "b"]}})
with open(os.path.join(OUT, "gen_markup.json"), "w", encoding="utf-8") as fh:
    json.dump(gen["gen_markup"], fh, ensure_ascii=False)
    fh.write("\n")
print("markup generated")

# ---------------------------------------------------------------- generated: macros, call blocks, arguments
rng7 = random.Random(8080)
sigs = ["()", "(a)", "(a, b=2)", "(a, b='x', c=none)", "(a=1, b=a)", "(x, y)"]
bodies = ["[{{ a|default('A?') }}]", "{{ b|default('B?') }}", "{{ varargs }}", "{{ kwargs|dictsort }}", "{{ caller() if caller is defined else 'nc' }}",
          "{{ caller(1, 2) }}", "{{ x|default('X?') }}{{ y|default('Y?') }}", "{% for i in range(2) %}{{ i }}{{ a|default('') }}{% endfor %}",
          "{{ m.name }}", "{% set a = 'reset' %}{{ a }}", "{{ g }}"]
calls = ["m()", "m(1)", "m(1, 2)", "m(1, 2, 3)", "m(a=5)", "m(b=7)", "m(1, b=3)", "m(1, z=9)", "m(*[1, 2])", "m(**{'a': 4})", "m(x=1, y=2)"]
for i in range(250):
    sig = rng7.choice(sigs)
    body = "".join(rng7.choice(bodies) for _ in range(rng7.randint(1, 3)))
    call = rng7.choice(calls)
    if rng7.random() < 0.35:
        cargs = rng7.choice(["", "(p)", "(p, q=0)"])
        use = "{%% call%s %s %%}<{{ p|default('P?') }}{{ q|default('') }}{{ g }}>{%% endcall %%}" % (cargs, call)
    else:
        use = "{{ %s }}" % call
    src = "{%% set g = 'G' %%}{%% macro m%s %%}%s{%% endmacro %%}%s|{{ a|default('outer') }}" % (sig, body, use)
    gen.setdefault("gen_macro", []).append({"name": f"gen_macro/{i}", "source": src, "context": {}})
with open(os.path.join(OUT, "gen_macro.json"), "w", encoding="utf-8") as fh:
    json.dump(gen["gen_macro"], fh, ensure_ascii=False)
    fh.write("\n")
print("macros generated")

# ---------------------------------------------------------------- generated: filter keyword arguments (valid and invalid)
rng8 = random.Random(1212)
kw_cases = [
    ("long", "truncate", ["length=10", "end='..'", "killwords=true", "leeway=0", "foo=1"]),
    ("half", "round", ["precision=1", "method='floor'", "method='ceil'", "digits=2"]),
    ("multi", "indent", ["width=2", "first=true", "blank=true", "indentfirst=true"]),
    ("long", "wordwrap", ["width=12", "break_long_words=false", "wrapstring='|'", "break_on_hyphens=false", "wrap=1"]),
    ("missing", "default", ["default_value='x'", "boolean=true", "value=1"]),
    ("d", "dictsort", ["by='value'", "reverse=true", "case_sensitive=true", "key=1"]),
    ("users", "sort", ["attribute='age'", "reverse=true", "case_sensitive=true", "key='x'"]),
    ("users", "join", ["d='-'", "attribute='name'", "sep=','"]),
    ("users", "sum", ["attribute='age'", "start=10", "initial=1"]),
    ("s", "center", ["width=20", "fillchar='*'"]),
    ("big", "filesizeformat", ["binary=true", "si=1"]),
    ("'ff'", "int", ["default=7", "base=16", "radix=2"]),
    ("'x'", "float", ["default=1.5", "fallback=1"]),
    ("strs", "unique", ["case_sensitive=true", "attribute='x'", "key=1"]),
    ("users", "max", ["attribute='age'", "case_sensitive=true", "default=1"]),
    ("'see www.example.com now'", "urlize", ["trim_url_limit=5", "nofollow=true", "target='_blank'", "rel='x'", "extra_schemes=['ftp:']", "x=1"]),
    ("d", "xmlattr", ["autospace=false", "space=1"]),
    ("d", "tojson", ["indent=1", "sort=1"]),
    ("items", "batch", ["linecount=2", "fill_with='-'", "size=2"]),
    ("items", "slice", ["slices=2", "fill_with=0", "n=1"]),
    ("users", "groupby", ["attribute='role'", "default='none'", "case_sensitive=true", "key=1"]),
    ("s", "replace", ["old='o'", "new='0'", "count=1", "max=1"]),
    ("s", "upper", ["x=1"]),
    ("s", "trim", ["chars='Hd'", "x=1"]),
    ("items", "first", ["n=1"]),
    ("s", "escape", ["quote=1"]),
    ("s", "wordcount", ["x=1"]),
    ("items", "list", ["x=1"]),
    ("users", "selectattr", ["attribute='active'"]),
]
for i in range(250):
    v, f, kws = rng8.choice(kw_cases)
    chosen = rng8.sample(kws, rng8.randint(1, min(3, len(kws))))
    src = "{{ %s|%s(%s) }}" % (v, f, ", ".join(chosen))
    if f in ("batch", "slice", "unique", "selectattr"):
        src = "{{ %s|%s(%s)|list }}" % (v, f, ", ".join(chosen))
    kwctx = {k: ctx[k] for k in ("long", "half", "multi", "d", "users", "s", "big", "items", "strs")}
    gen.setdefault("gen_kwargs", []).append({"name": f"gen_kwargs/{i}", "source": src, "context": kwctx})
with open(os.path.join(OUT, "gen_kwargs.json"), "w", encoding="utf-8") as fh:
    json.dump(gen["gen_kwargs"], fh, ensure_ascii=False)
    fh.write("\n")
print("kwargs generated")

# ---------------------------------------------------------------- generated: method calls with assorted arguments
rng9 = random.Random(4040)
recv = ["'Hello, World'", "'a-b-c'", "''", "d", "items", "(1, 2, 1)", "'  x  '"]
mnames = ["upper", "lower", "strip", "split", "rsplit", "replace", "startswith", "endswith", "find", "count", "join", "title",
          "capitalize", "center", "ljust", "zfill", "partition", "format", "get", "items", "keys", "values", "index", "splitlines",
          "lstrip", "isdigit", "swapcase", "removeprefix"]
margs = ["", "'-'", "','", "1", "'-', 1", "'a', 'b'", "'a', 'b', 1", "x=1", "'l', 2, 3", "none", "('H', 'a')", "5, '*'", "['p', 'q']"]
for i in range(300):
    src = "{{ %s.%s(%s) }}" % (rng9.choice(recv), rng9.choice(mnames), rng9.choice(margs))
    gen.setdefault("gen_methodargs", []).append({"name": f"gen_methodargs/{i}", "source": src, "context": {"d": {"a": 1, "b": [2]}, "items": [3, 1, 2]}})
with open(os.path.join(OUT, "gen_methodargs.json"), "w", encoding="utf-8") as fh:
    json.dump(gen["gen_methodargs"], fh, ensure_ascii=False)
    fh.write("\n")
print("method args generated")

# ---------------------------------------------------------------- generated: loop variables in nested, filtered and recursive loops
rng10 = random.Random(6060)
lattrs = ["index", "index0", "revindex", "revindex0", "first", "last", "length", "depth", "depth0", "previtem", "nextitem",
          "cycle('a', 'b', 'c')", "changed(x)", "changed(x % 2)", "cycle()"]
seqs = ["[1, 2, 3]", "[]", "'ab'", "range(4)", "[1, 1, 2]", "{'k': 1, 'j': 2}", "items|select('odd')"]
for i in range(200):
    a1, a2 = rng10.choice(lattrs), rng10.choice(lattrs)
    seq = rng10.choice(seqs)
    flt = rng10.choice(["", " if x is odd", " if loop is defined", " if x != 2"])
    if rng10.random() < 0.3:
        src = "{%% for x in tree recursive %%}[{{ loop.%s }}{{ x.v }}{%% if x.c %%}{{ loop(x.c) }}{%% endif %%}]{%% endfor %%}" % a1
    elif rng10.random() < 0.5:
        src = "{%% for x in %s%s %%}{{ loop.%s }},{%% for y in [7, 8] %%}{{ loop.%s }};{%% endfor %%}|{%% else %%}E{%% endfor %%}" % (seq, flt, a1, a2)
    else:
        src = "{%% for x in %s%s %%}{{ loop.%s }}/{{ loop.%s }} {%% else %%}E{%% endfor %%}" % (seq, flt, a1, a2)
    gen.setdefault("gen_loop", []).append({"name": f"gen_loop/{i}", "source": src,
                                           "context": {"items": [1, 2, 3], "tree": [{"v": 1, "c": [{"v": 2, "c": []}, {"v": 3}]}, {"v": 4}]}})
with open(os.path.join(OUT, "gen_loop.json"), "w", encoding="utf-8") as fh:
    json.dump(gen["gen_loop"], fh, ensure_ascii=False)
    fh.write("\n")
print("loops generated")

# ---------------------------------------------------------------- generated: StrictUndefined and Undefined uses
rng11 = random.Random(7070)
uses = ["{{ %s }}", "{{ %s is defined }}", "{{ %s|default('d') }}", "{{ %s|default('d', true) }}", "{%% if %s %%}t{%% else %%}f{%% endif %%}",
        "{%% for x in %s %%}{{ x }}{%% else %%}E{%% endfor %%}", "{{ %s ~ 'x' }}", "{{ %s + 1 }}", "{{ %s == none }}", "{{ %s != 1 }}",
        "{{ 'a' in %s }}", "{{ %s|length }}", "{{ %s|list }}", "{{ %s|string }}", "{{ %s|upper }}", "{{ %s|e }}", "{{ %s|tojson }}",
        "{{ %s.attr }}", "{{ %s['k'] }}", "{{ %s() }}", "{{ not %s }}", "{{ %s and 1 }}", "{{ %s or 2 }}", "{{ %s is undefined }}",
        "{{ %s|int }}", "{{ %s|float }}", "{{ %s|join(',') }}", "{{ %s|first }}", "{{ %s|items|list }}", "{{ %s|truncate(3) }}",
        "{{ %s|trim }}", "{{ %s|count }}", "{{ %s is none }}", "{{ %s|d(none) is none }}", "{%% set y = %s %%}ok", "{{ [%s]|length }}",
        "{{ {'a': %s}|length }}", "{{ %s|safe }}", "{{ %s|attr('x') }}", "{{ %s|sort }}", "{{ %s|sum }}", "{{ %s|max }}", "{{ %s is string }}"]
targets = ["missing", "obj.missing", "obj.nested.missing", "items[9]", "obj['zz']"]
for i in range(250):
    use = rng11.choice(uses) % rng11.choice(targets)
    strict = rng11.random() < 0.5
    gen.setdefault("gen_undefined", []).append({"name": f"gen_undefined/{i}", "source": use, "options": {"strict": strict},
                                                "context": {"obj": {"nested": {}}, "items": [1]}})
with open(os.path.join(OUT, "gen_undefined.json"), "w", encoding="utf-8") as fh:
    json.dump(gen["gen_undefined"], fh, ensure_ascii=False)
    fh.write("\n")
print("undefined generated")

# ---------------------------------------------------------------- generated: printf-style and str.format specs
rng12 = random.Random(9090)
fvals = ["0", "7", "-42", "1234567", "3.14159", "-0.5", "2.5", "1e-7", "123456.789", "'txt'", "true", "none", "1e22"]
pspecs = ["%s", "%r", "%d", "%i", "%5d", "%-5d", "%05d", "%+d", "% d", "%x", "%X", "%#x", "%o", "%#o", "%f", "%.0f", "%.2f", "%10.3f",
          "%-10.1f|", "%+.1f", "%e", "%.2E", "%g", "%G", "%.3g", "%c", "%5s", "%-5s|", "%.2s", "%%", "%08.3f", "%#.0f", "%10s|"]
bspecs = ["{}", "{!r}", "{:d}", "{:5d}", "{:<5}|", "{:>6}", "{:^7}", "{:*^9}", "{:+d}", "{: d}", "{:x}", "{:#x}", "{:X}", "{:o}",
          "{:b}", "{:,}", "{:_}", "{:.2f}", "{:,.2f}", "{:10.3f}", "{:e}", "{:.1e}", "{:g}", "{:.3g}", "{:%}", "{:.1%}", "{:08.2f}",
          "{:s}", "{:.3}", "{:>10.2f}", "{:=+8d}", "{:c}", "{0}{0}", "{:n}"]
for i in range(300):
    v = rng12.choice(fvals)
    if rng12.random() < 0.5:
        src = "{{ '%s' %% %s }}" % (rng12.choice(pspecs), v)
    else:
        src = "{{ '%s'.format(%s) }}" % (rng12.choice(bspecs), v)
    gen.setdefault("gen_format", []).append({"name": f"gen_format/{i}", "source": src, "context": {}})
with open(os.path.join(OUT, "gen_format.json"), "w", encoding="utf-8") as fh:
    json.dump(gen["gen_format"], fh, ensure_ascii=False)
    fh.write("\n")
print("format generated")

# ---------------------------------------------------------------- generated: Unicode text through string filters
rng13 = random.Random(1313)
alphabet = list("aZ ß äÖü é\u0301 İı ǅ ﬁ Σσς ΐ ŉ 日本 😀👍🏽 \u00a0\u2009\u3000\t\n - _ . , ! ? < > & ' \" / ( ) [ ] 1 ٣ Ⅻ ½") + ["ǆ", "ſ", "ﬀ", "Ω", "µ"]
sfilters = ["upper", "lower", "title", "capitalize", "length", "reverse", "wordcount", "trim", "truncate(8)", "wordwrap(6)",
            "striptags", "urlencode", "tojson", "e", "center(14)", "list|length", "string", "indent(2)", "replace(' ', '_')",
            "split|list", "first", "last", "count", "lower|unique|list|length", "sort|join", "max", "min"]
for i in range(200):
    text = "".join(rng13.choice(alphabet) for _ in range(rng13.randint(0, 14)))
    f = rng13.choice(sfilters)
    if f.startswith("split"):
        src = "{{ t.split()|list }}"
    else:
        src = "{{ t|%s }}" % f
    gen.setdefault("gen_unicode", []).append({"name": f"gen_unicode/{i}", "source": src, "context": {"t": text}})
    meth = rng13.choice(["upper()", "lower()", "title()", "capitalize()", "swapcase()", "casefold()", "isalpha()", "isdigit()",
                         "isspace()", "isupper()", "islower()", "istitle()", "isnumeric()", "isalnum()", "strip()", "split()",
                         "splitlines()", "zfill(10)", "center(12, '·')", "expandtabs(3)"])
    gen.setdefault("gen_unicode", []).append({"name": f"gen_unicode/m{i}", "source": "{{ t.%s }}" % meth, "context": {"t": text}})
with open(os.path.join(OUT, "gen_unicode.json"), "w", encoding="utf-8") as fh:
    json.dump(gen["gen_unicode"], fh, ensure_ascii=False)
    fh.write("\n")
print("unicode generated")

# ---------------------------------------------------------------- generated: whitespace control around every tag kind
rng14 = random.Random(2468)
texts = ["", " ", "\n", "  \n", "\n  ", "x", " y \n", "\t", "\n\n"]


def m(o):
    return rng14.choice(["", "-", "+"]) if o else rng14.choice(["", "-"])


def wrap_tag(open_, body, close):
    return "{%" + m(True) + " " + open_ + " " + m(False) + "%}" + body + "{%" + m(True) + " " + close + " " + m(False) + "%}"


def ws_body(depth=0):
    out = []
    for _ in range(rng14.randint(1, 4)):
        out.append(rng14.choice(texts))
        r = rng14.random()
        if r < 0.2:
            out.append("{{" + rng14.choice(["", "-"]) + " v " + rng14.choice(["", "-"]) + "}}")
        elif r < 0.3 and depth < 2:
            out.append(wrap_tag("macro mm%d(a=1)" % depth, ws_body(depth + 1), "endmacro") + "{{ mm%d() }}" % depth)
        elif r < 0.4 and depth < 2:
            out.append(wrap_tag("macro cm%d()" % depth, "[{{ caller() }}]", "endmacro") + wrap_tag("call cm%d()" % depth, ws_body(depth + 1), "endcall"))
        elif r < 0.5 and depth < 2:
            out.append(wrap_tag("with w = 1", ws_body(depth + 1), "endwith"))
        elif r < 0.6 and depth < 2:
            out.append(wrap_tag("filter upper", ws_body(depth + 1), "endfilter"))
        elif r < 0.7 and depth < 2:
            out.append(wrap_tag("set cap", ws_body(depth + 1), "endset") + "<{{ cap }}>")
        elif r < 0.8:
            out.append("{%" + m(True) + " include 'inc.txt' " + m(False) + "%}")
        elif r < 0.9 and depth < 2:
            out.append(wrap_tag("block b%d_%d" % (depth, rng14.randint(0, 99999)), ws_body(depth + 1), "endblock"))
        else:
            out.append(wrap_tag("if v", ws_body(depth + 1), "endif"))
    return "".join(out)


for i in range(150):
    src = ws_body()
    for suffix, opts in [("", {}), ("_trim", {"trim_blocks": True}), ("_lstrip", {"lstrip_blocks": True}), ("_both", {"trim_blocks": True, "lstrip_blocks": True})]:
        gen.setdefault("gen_ws_tags", []).append({"name": f"gen_ws_tags/{i}{suffix}", "source": src, "context": {"v": "V"}, "options": opts,
                                                  "templates": {"inc.txt": "\n  inc\n"}})
with open(os.path.join(OUT, "gen_ws_tags.json"), "w", encoding="utf-8") as fh:
    json.dump(gen["gen_ws_tags"], fh, ensure_ascii=False)
    fh.write("\n")
print("ws tags generated")
