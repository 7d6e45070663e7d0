// The powers with a high risk only at a step of their flowchart, none naming the power
// itself: few, so they are gathered first. A later grouping hashes this list once per
// row, which costs nothing for a short list (1.7 s against 1.0 s at scale 100 when the
// long list of named powers came first).
OPTIONAL MATCH (:RiskPoint {level: 'high'})-[:AT_STEP]->(:Step)<-[:HAS_STEP]-(:Process)
               -[:IMPLEMENTS]->(q2:Power)
WHERE NOT (q2)<-[:OF_POWER]-(:RiskPoint {level: 'high'})
WITH collect(DISTINCT q2) AS stepped
