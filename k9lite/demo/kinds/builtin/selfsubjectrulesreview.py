"""authorization.k8s.io/v1 SelfSubjectRulesReview: a user's rules (kubectl auth can-i --list)"""

from k9lite.demo.kinds.reviews import review_strategy

STRATEGY = review_strategy(
    "authorization.k8s.io", "SelfSubjectRulesReview", "selfsubjectrulesreviews"
)
