/**
 * The sample HR population `idprofiles demo` loads (samples/hr.csv): generated from a fixed seed,
 * so the committed file is exactly what `generateHrCsv()` returns (a test checks it). Regenerate
 * with `npx tsx scripts/generate-hr-sample.mts` after changing this file.
 */

const FIRST = [
  'Ava',
  'Ben',
  'Chloe',
  'Daniel',
  'Emma',
  'Felix',
  'Grace',
  'Hugo',
  'Isla',
  'Jonas',
  'Kara',
  'Liam',
  'Maya',
  'Noah',
  'Olivia',
  'Paul',
  'Quinn',
  'Rosa',
  'Sam',
  'Tara',
  'Umar',
  'Vera',
  'Will',
  'Xena',
  'Yusuf',
  'Zoe',
  'Amir',
  'Bianca',
  'Carlos',
  'Dana',
  'Elif',
  'Farah',
  'Gustav',
  'Hana',
  'Ivan',
  'Julia',
  'Kenji',
  'Lena',
  'Mateo',
  'Nina',
  'Oscar',
  'Priya',
  'Rafael',
  'Sofia',
  'Tomas',
  'Ursula',
  'Victor',
  'Wen',
  'Yara',
  'Zane',
  'Aisha',
  'Bruno',
  'Camille',
  'Diego',
  'Eva',
  'Finn',
  'Greta',
  'Hiro',
];
const LAST = [
  'Andersen',
  'Baker',
  'Chen',
  'Dubois',
  'Evans',
  'Fischer',
  'Garcia',
  'Hansen',
  'Ito',
  'Jensen',
  'Kowalski',
  'Lopez',
  'Müller',
  'Nakamura',
  "O'Brien",
  'Patel',
  'Quintero',
  'Rossi',
  'Schmidt',
  'Tanaka',
  'Ueda',
  'Varga',
  'Wagner',
  'Xu',
  'Yilmaz',
  'Zimmermann',
  'Almeida',
  'Becker',
  'Costa',
  'Dahl',
  'Eriksen',
  'Ferreira',
  'Gomez',
  'Horvat',
  'Ibrahim',
  'Jovanović',
  'Kim',
  'Larsen',
  'Martin',
  'Nowak',
  'Olsen',
  'Petrov',
  'Reyes',
  'Silva',
  'Torres',
  'Novák',
  'Weber',
  'Young',
  'Ahmed',
  'Brown',
];
const DEPARTMENTS: Array<[name: string, titles: string[]]> = [
  ['Engineering', ['Software Engineer', 'Senior Software Engineer', 'Site Reliability Engineer', 'QA Engineer']],
  ['Sales', ['Account Executive', 'Sales Development Representative', 'Sales Engineer']],
  ['Marketing', ['Marketing Specialist', 'Content Writer', 'Product Marketing Manager']],
  ['Finance', ['Accountant', 'Financial Analyst', 'Payroll Specialist']],
  ['Human Resources', ['HR Generalist', 'Recruiter', 'HR Business Partner']],
  ['Operations', ['Operations Analyst', 'Facilities Coordinator', 'Procurement Specialist']],
  ['Customer Support', ['Support Agent', 'Senior Support Agent', 'Support Engineer']],
  ['Legal', ['Counsel', 'Paralegal', 'Compliance Analyst']],
];
const LOCATIONS = ['US', 'US', 'US', 'GB', 'DE', 'FR', 'IN', 'NL'];

export const HR_SAMPLE_COLUMNS = [
  'id',
  'userName',
  'firstName',
  'lastName',
  'email',
  'title',
  'department',
  'location',
  'managerId',
  'employmentStatus',
  'hireDate',
  'terminationDate',
] as const;

/** mulberry32: a small deterministic generator (the same file on every machine and Node version). */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface HrPerson {
  id: string;
  userName: string;
  firstName: string;
  lastName: string;
  email: string;
  title: string;
  department: string;
  location: string;
  managerId: string;
  employmentStatus: string;
  hireDate: string;
  terminationDate: string;
}

/**
 * `count` people: a CEO, a head of each department reporting to the CEO, team managers (one per
 * about eight people) reporting to their head, and staff reporting to a team manager. About 5 %
 * have left (`terminated`, with a termination date after their hire date) and 2 % are on leave.
 */
export function generateHrPeople(count = 1000, seed = 19): HrPerson[] {
  const rnd = random(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
  const day = (from: number, to: number) =>
    new Date(from + Math.floor(rnd() * ((to - from) / 86_400_000)) * 86_400_000).toISOString().slice(0, 10);
  const START = Date.UTC(2008, 0, 1);
  const END = Date.UTC(2026, 0, 1);
  const userNames = new Set<string>();
  const people: HrPerson[] = [];
  const person = (title: string, department: string, managerId: string): HrPerson => {
    const firstName = pick(FIRST);
    const lastName = pick(LAST);
    const base = `${firstName}.${lastName}`
      .normalize('NFD')
      .replace(/[^A-Za-z.]/g, '')
      .toLowerCase();
    let userName = base;
    for (let n = 2; userNames.has(userName); n++) userName = `${base}${n}`;
    userNames.add(userName);
    const id = `E${String(10001 + people.length)}`;
    // mixed case as HR systems often hold it; the demo profile lower-cases it
    const email = `${userName.replace(/(^|\.)([a-z])/g, (_, dot: string, c: string) => dot + c.toUpperCase())}@Example.com`;
    const roll = rnd();
    const hireDate = day(START, END);
    const employmentStatus =
      people.length < 30 ? 'active' : roll < 0.05 ? 'terminated' : roll < 0.07 ? 'leave' : 'active';
    const terminationDate =
      employmentStatus === 'terminated' ? day(Date.parse(hireDate) + 86_400_000 * 30, END + 86_400_000 * 300) : '';
    const p = {
      id,
      userName,
      firstName,
      lastName,
      email,
      title,
      department,
      location: pick(LOCATIONS),
      managerId,
      employmentStatus,
      hireDate,
      terminationDate,
    };
    people.push(p);
    return p;
  };
  const ceo = person('Chief Executive Officer', 'Executive', '');
  const heads = DEPARTMENTS.map(([department]) => person(`Head of ${department}`, department, ceo.id));
  const teams: Array<{ manager: HrPerson; size: number }> = [];
  // team managers first (so every manager comes before the people who report to them)
  const teamCount = Math.round((count - 1 - heads.length) / 9);
  for (let i = 0; i < teamCount; i++) {
    const d = i % DEPARTMENTS.length;
    teams.push({ manager: person(`${DEPARTMENTS[d][0]} Team Lead`, DEPARTMENTS[d][0], heads[d].id), size: 0 });
  }
  while (people.length < count) {
    const team = teams[Math.floor(rnd() * teams.length)];
    const titles = DEPARTMENTS.find(([d]) => d === team.manager.department)![1];
    person(pick(titles), team.manager.department, team.manager.id);
    team.size++;
  }
  return people;
}

const csvValue = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

export function generateHrCsv(count = 1000, seed = 19): string {
  const rows = generateHrPeople(count, seed).map((p) => HR_SAMPLE_COLUMNS.map((c) => csvValue(p[c])).join(','));
  return `${HR_SAMPLE_COLUMNS.join(',')}\n${rows.join('\n')}\n`;
}
