/**
 * The valid_policy_tree of RFC 5280 §6.1.2 (a), with the operations §6.1.3 (d), (e), §6.1.4 (b) and
 * §6.1.5 (g) perform on it. Nodes are kept per depth; a NULL tree is `levels === null`.
 */
import { type PolicyInformation, type PolicyMapping } from './extensions.js';
import { Oid } from './oids.js';

interface PolicyNode {
  readonly validPolicy: string;
  readonly qualifiers: readonly string[];
  expected: ReadonlySet<string>;
  readonly parent: PolicyNode | undefined;
  readonly children: PolicyNode[];
  readonly depth: number;
}

const ANY = Oid.anyPolicy;

/** The valid_policy_tree state variable. */
export class PolicyTree {
  private levels: PolicyNode[][] | null;

  /** §6.1.2 (a): a single node of depth 0 with valid_policy anyPolicy, expecting {anyPolicy}. */
  constructor() {
    this.levels = [[{ validPolicy: ANY, qualifiers: [], expected: new Set([ANY]), parent: undefined, children: [], depth: 0 }]];
  }

  /** True when the tree is NULL (no valid policy remains). */
  isNull(): boolean {
    return this.levels === null;
  }

  /** §6.1.3 (e): the certificate has no certificate policies extension. */
  setNull(): void {
    this.levels = null;
  }

  private level(depth: number): PolicyNode[] {
    if (this.levels === null) return [];
    while (this.levels.length <= depth) this.levels.push([]);
    return this.levels[depth] ?? [];
  }

  private addChild(parent: PolicyNode, validPolicy: string, qualifiers: readonly string[], expected: Iterable<string>): void {
    const node: PolicyNode = { validPolicy, qualifiers, expected: new Set(expected), parent, children: [], depth: parent.depth + 1 };
    parent.children.push(node);
    this.level(node.depth).push(node);
  }

  private remove(node: PolicyNode): void {
    if (this.levels === null) return;
    for (const child of [...node.children]) this.remove(child);
    if (node.parent) node.parent.children.splice(node.parent.children.indexOf(node), 1);
    const level = this.levels[node.depth];
    if (level) level.splice(level.indexOf(node), 1);
  }

  /** §6.1.3 (d)(3) and friends: delete childless nodes of depth ≤ `depth`, repeatedly; NULL if the root goes. */
  private prune(depth: number): void {
    if (this.levels === null) return;
    for (let d = Math.min(depth, this.levels.length - 1); d >= 0; d--) {
      for (const node of [...this.level(d)]) if (node.children.length === 0) this.remove(node);
    }
    if (this.level(0).length === 0) this.levels = null;
  }

  /**
   * §6.1.3 (d): process certificate `i`'s policies. `anyPolicyAllowed` is (inhibit_anyPolicy > 0) or
   * (i < n and certificate i is self-issued), as (d)(2) requires.
   */
  processCertificate(i: number, policies: readonly PolicyInformation[], anyPolicyAllowed: boolean): void {
    if (this.levels === null) return;
    const parents = [...this.level(i - 1)];
    // (d)(1): each policy other than anyPolicy.
    for (const policy of policies) {
      if (policy.oid === ANY) continue;
      // (i) exact match of an expected policy.
      const matching = parents.filter((node) => node.expected.has(policy.oid));
      for (const node of matching) this.addChild(node, policy.oid, policy.qualifiers, [policy.oid]);
      // (ii) otherwise under an anyPolicy node of depth i-1.
      if (matching.length === 0) {
        for (const node of parents) if (node.validPolicy === ANY) this.addChild(node, policy.oid, policy.qualifiers, [policy.oid]);
      }
    }
    // (d)(2): anyPolicy in the certificate matches every expected policy not yet matched.
    const anyPolicy = policies.find((policy) => policy.oid === ANY);
    if (anyPolicy && anyPolicyAllowed) {
      for (const node of parents) {
        for (const expected of node.expected) {
          if (!node.children.some((child) => child.validPolicy === expected)) this.addChild(node, expected, anyPolicy.qualifiers, [expected]);
        }
      }
    }
    // (d)(3)
    this.prune(i - 1);
  }

  /**
   * §6.1.4 (b): apply certificate `i`'s policy mappings. `mappingAllowed` is policy_mapping > 0;
   * `anyPolicyQualifiers` are the qualifiers of anyPolicy in certificate i's policies.
   */
  applyMappings(i: number, mappings: readonly PolicyMapping[], mappingAllowed: boolean, anyPolicyQualifiers: readonly string[]): void {
    const issuerPolicies = [...new Set(mappings.map((m) => m.issuerDomainPolicy))];
    for (const idP of issuerPolicies) {
      if (this.levels === null) return;
      const subjects = mappings.filter((m) => m.issuerDomainPolicy === idP).map((m) => m.subjectDomainPolicy);
      const nodes = this.level(i).filter((node) => node.validPolicy === idP);
      if (mappingAllowed) {
        // (b)(1)
        for (const node of nodes) node.expected = new Set(subjects);
        if (nodes.length === 0) {
          const anyNode = this.level(i).find((node) => node.validPolicy === ANY);
          if (anyNode?.parent) this.addChild(anyNode.parent, idP, anyPolicyQualifiers, subjects);
        }
      } else {
        // (b)(2)
        for (const node of nodes) this.remove(node);
        this.prune(i - 1);
      }
    }
  }

  /**
   * §6.1.5 (g): intersect with the user-initial-policy-set (`undefined` = any-policy) for a path of
   * length `n`. Afterwards the tree is the authorities- and user-constrained policy tree.
   */
  intersect(n: number, userInitialPolicySet: ReadonlySet<string> | undefined): void {
    if (this.levels === null || userInitialPolicySet === undefined) return; // (i), (ii)
    // (iii) 1. nodes whose parent is an anyPolicy node.
    const nodeSet = this.levels.flat().filter((node) => node.parent?.validPolicy === ANY);
    // (iii) 2.
    for (const node of nodeSet) {
      if (node.validPolicy !== ANY && !userInitialPolicySet.has(node.validPolicy)) this.remove(node);
    }
    const remaining = nodeSet.filter((node) => this.level(node.depth).includes(node));
    // (iii) 3.
    const anyLeaf = this.level(n).find((node) => node.validPolicy === ANY);
    if (anyLeaf?.parent) {
      for (const policy of userInitialPolicySet) {
        if (!remaining.some((node) => node.validPolicy === policy)) this.addChild(anyLeaf.parent, policy, anyLeaf.qualifiers, [policy]);
      }
      this.remove(anyLeaf);
    }
    // (iii) 4.
    this.prune(n - 1);
  }

  /**
   * The user-constrained policy set after `intersect` (§6.1.5 (g)), in the trust anchor's policy
   * domain: for each node of depth `n`, the policy of its ancestor that sits directly under an
   * anyPolicy node (the policy before any mapping), or anyPolicy when the whole branch is anyPolicy.
   */
  userConstrainedPolicies(n: number): string[] {
    const policies = new Set<string>();
    for (let node of this.level(n)) {
      while (node.parent && node.parent.validPolicy !== ANY) node = node.parent;
      policies.add(node.validPolicy);
    }
    return [...policies].sort();
  }
}
