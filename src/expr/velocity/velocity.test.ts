import { describe, expect, it } from 'vitest';
import { run, t } from '../test-support.js';

const identity = {
  uid: 'jdoe',
  id: 'id-1',
  name: 'jdoe',
  email: 'j@x.com',
  country: 'FR',
  isManager: 'true',
  firstname: 'John',
};
const manager = { uid: 'boss', id: 'id-2', country: 'US', networkDn: 'CN=Boss' };
const accounts = [
  { sourceName: 'AD', sourceId: 's1', nativeIdentity: 'CN=jdoe', id: 'acc-1', attributes: { mail: 'j@ad' } },
  { sourceName: 'HR', sourceId: 's2', nativeIdentity: '100', id: 'acc-2', attributes: {} },
];
const ctx = { identity, manager, accounts, oldValue: 'before' };
const tpl = (value: string, vars: Record<string, unknown> = {}) => run(t('static', { value, ...vars }), ctx);

describe('Velocity subset', () => {
  it.each([
    ['plain', 'plain'],
    ['$a.$b', 'x.y'],
    ['${a}_${b}', 'x_y'],
    ['$!missing|$!{missing}', '|'],
    ['$a.length() $a.toUpperCase() $d.substring(1, 3) $d.replaceAll("[aeiou]", "_")', '1 X ec s_cr_t'],
    ['#if($a == "x")yes#{else}no#end', 'yes'],
    ['#if($a != "x")1#elseif($b == "y" && !($a == "z"))2#{else}3#end', '2'],
    ['#if($a == "q")1#else3#end #elsewhere', ' #elsewhere'],
    ['#if($missing)set#{else}unset#end', 'unset'],
    ['#if($empty)set#{else}unset#end', 'unset'],
    ['#if($f)truthy#end', 'truthy'],
    ['#if($n > 9 and $n lt 11)ten#end', 'ten'],
    ['#set($x = "$a-$b")$x', 'x-y'],
    ['#set($i = 2 + 3 * 4)$i $i.toString()', '14 14'],
    ['#set($c = $a + 1)$c', 'x1'],
    ['#foreach($v in ["p", "q", "r"])$foreach.index:$v#if($foreach.hasNext),#end#end', '0:p,1:q,2:r'],
    ['#foreach($i in [1..3])$velocityCount#end', '123'],
    ['#foreach($i in [3..1])$i#if($i == 2)#break#end#end', '32'],
    ['#set($m = {"k": "v"})$m.k $m.get("k") $m', 'v v {k=v}'],
    ['$identity.getManager().getStringAttribute("country")', 'US'],
    ['$identity.manager.attributes.networkDn', 'CN=Boss'],
    ['$identity.getId() $identity.name $identity.email $identity.getManagerStatus()', 'id-1 jdoe j@x.com true'],
    ['$identity.getLinksByAppIdOrName("s2", null)[0].getNativeIdentity()', '100'],
    ['$identity.getLinksByAppIdOrName(null, "AD [source]").get(0).id', 'acc-1'],
    ['#foreach($l in $identity.getLinks())$!l.getAttribute("mail")|#end', 'j@ad||'],
    ['$oldValue', 'before'],
    ['a ## comment\nb', 'a b'],
    ['a#* block *#b#[[ $raw #if ]]#', 'ab $raw #if '],
    ['\\$a \\#if', '$a #if'],
    ['cost: $5 #notadirective #elsewhere', 'cost: $5 #notadirective #elsewhere'],
    ["#set($s = '$a')$s", '$a'],
    ['#if($a == "x")\n  line\n#end\ndone', '  line\ndone'],
    ['$d.split("r")[0]', 'sec'],
  ])('%j', (source, expected) => {
    expect(tpl(source, { a: 'x', b: 'y', d: 'secret', empty: '', f: 'false', n: '10' })).toBe(expected);
  });

  it('renders literal text variables as templates before use (G-ctx)', () => {
    expect(tpl('$managerCountry', { managerCountry: "$identity.getManager().getStringAttribute('country')" })).toBe(
      'US',
    );
  });

  it.each([
    ['$missing', 'cannot render $missing: the value is null'],
    ['$n.foo', 'no property "foo" on String'],
    ['$n.nope()', 'no method nope() on String'],
    ['$identity.getManager().getManager().getId()', '$identity.getManager(…).getManager(…) is null'],
    ['$n.substring(5)', 'string index out of range: 5, 2'],
  ])('fails strictly on %j', (source, message) => {
    const out = tpl(source, { n: '10' });
    expect(out).toMatch(/^ERROR: /);
    expect(out).toContain(message);
  });

  it('fails when a transform variable is null', () => {
    expect(tpl('$v', { v: t('identityAttribute', { name: 'none' }) })).toBe(
      'ERROR: cannot render $v: the value is null',
    );
  });

  it.each([
    ['#if($a', 'template error'],
    ['#if($a)x', '#if without #end'],
    ['#end', '#end without a matching #if'],
    ['#set(a = 1)', '#set needs a simple $variable'],
    ['${a', '"}" closing the reference'],
    ['#foreach($x at $y)#end', 'expected "in"'],
  ])('rejects %j when compiling', (source, message) => {
    expect(tpl(source)).toMatch(new RegExp(`^COMPILE: attributes.value: .*${message.replace(/[$()[\]{}]/g, '\\$&')}`));
  });

  it('accepts `values` as the static key when `value` is absent', () => {
    expect(run(t('static', { values: 'v' }))).toBe('v');
  });
});
