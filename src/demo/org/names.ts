/** Name parts for the demo's people: invented combinations, no real person intended. */
export const firstNames = [
  'Ada', 'Ben', 'Chloe', 'Dev', 'Elena', 'Farid', 'Grace', 'Hugo', 'Ines', 'Jonas', 'Keiko', 'Liam', 'Maya', 'Nico',
  'Olga', 'Priya', 'Quinn', 'Rosa', 'Sami', 'Tara', 'Umar', 'Vera', 'Wen', 'Ximena', 'Yusuf', 'Zoe', 'Arjun', 'Bea',
  'Caleb', 'Dana', 'Emil', 'Fatima', 'Gus', 'Hana', 'Ivo', 'Jade', 'Kofi', 'Lena', 'Marco', 'Nora',
] as const;

export const lastNames = [
  'Abara', 'Berg', 'Castillo', 'Dube', 'Eriksen', 'Fontaine', 'Gallo', 'Haddad', 'Ibsen', 'Jansen', 'Kowalski', 'Lindqvist',
  'Moreau', 'Nakamura', 'Okafor', 'Petrov', 'Quintero', 'Rossi', 'Sato', 'Tanaka', 'Urban', 'Varga', 'Weber', 'Xu',
  'Yilmaz', 'Zimmer', 'Adeyemi', 'Brandt', 'Costa', 'Demir',
] as const;

export const departments = [
  { name: 'Engineering', share: 0.45, titles: ['Software Engineer', 'Senior Software Engineer', 'Staff Engineer', 'SRE'] },
  { name: 'Product', share: 0.08, titles: ['Product Manager', 'Product Designer'] },
  { name: 'Sales', share: 0.17, titles: ['Account Executive', 'Sales Engineer'] },
  { name: 'Customer Success', share: 0.12, titles: ['Support Engineer', 'Customer Success Manager'] },
  { name: 'Finance', share: 0.06, titles: ['Accountant', 'Financial Analyst'] },
  { name: 'People', share: 0.05, titles: ['People Partner', 'Recruiter'] },
  { name: 'Security', share: 0.04, titles: ['Security Engineer', 'GRC Analyst'] },
  { name: 'Executive', share: 0.03, titles: ['CEO', 'CTO', 'CFO'] },
] as const;

export const repoNames = [
  'api', 'web-app', 'mobile', 'infra', 'billing', 'data-pipeline', 'auth-service', 'legacy-scripts',
] as const;
