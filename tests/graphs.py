"""A five-movie graph small enough to score every strategy by hand.

The graph (ratings of 4.0 or more count as liked):

    movie 10 Heat (1995)       Crime, Thriller   Michael Mann directs; Al Pacino, Robert De Niro act
    movie 20 Collateral (2004) Crime, Drama      Michael Mann directs; Tom Cruise acts
    movie 30 Top Gun (1986)    Action            Tom Cruise acts
    movie 40 Godfather (1972)  Crime, Drama      Al Pacino acts
    movie 50 Toy Story (1995)  Animation

    user 1: 10 -> 5.0, 50 -> 2.0
    user 2: 10 -> 4.5, 20 -> 4.0, 30 -> 5.0
    user 3: 10 -> 4.0, 20 -> 5.0, 40 -> 3.0
    user 4: 30 -> 4.0, 40 -> 4.0, 50 -> 5.0
"""

TINY_GRAPH = """
CREATE (crime:Genre {name: 'Crime'}), (thriller:Genre {name: 'Thriller'}), (drama:Genre {name: 'Drama'}),
       (action:Genre {name: 'Action'}), (animation:Genre {name: 'Animation'})
CREATE (heat:Movie {movie_id: 10, title: 'Heat (1995)', year: 1995, genres: ['Crime', 'Thriller']}),
       (collateral:Movie {movie_id: 20, title: 'Collateral (2004)', year: 2004, genres: ['Crime', 'Drama']}),
       (topgun:Movie {movie_id: 30, title: 'Top Gun (1986)', year: 1986, genres: ['Action']}),
       (godfather:Movie {movie_id: 40, title: 'Godfather (1972)', year: 1972, genres: ['Crime', 'Drama']}),
       (toystory:Movie {movie_id: 50, title: 'Toy Story (1995)', year: 1995, genres: ['Animation']})
CREATE (heat)-[:IN_GENRE]->(crime), (heat)-[:IN_GENRE]->(thriller),
       (collateral)-[:IN_GENRE]->(crime), (collateral)-[:IN_GENRE]->(drama),
       (topgun)-[:IN_GENRE]->(action), (godfather)-[:IN_GENRE]->(crime), (godfather)-[:IN_GENRE]->(drama),
       (toystory)-[:IN_GENRE]->(animation)
CREATE (mann:Person:Director {person_id: 'name:Michael Mann', name: 'Michael Mann'}),
       (pacino:Person:Actor {person_id: 'name:Al Pacino', name: 'Al Pacino'}),
       (deniro:Person:Actor {person_id: 'name:Robert De Niro', name: 'Robert De Niro'}),
       (cruise:Person:Actor {person_id: 'name:Tom Cruise', name: 'Tom Cruise'})
CREATE (mann)-[:DIRECTED]->(heat), (mann)-[:DIRECTED]->(collateral),
       (pacino)-[:ACTED_IN]->(heat), (deniro)-[:ACTED_IN]->(heat), (pacino)-[:ACTED_IN]->(godfather),
       (cruise)-[:ACTED_IN]->(collateral), (cruise)-[:ACTED_IN]->(topgun)
CREATE (u1:User {user_id: 1}), (u2:User {user_id: 2}), (u3:User {user_id: 3}), (u4:User {user_id: 4})
CREATE (u1)-[:RATED {rating: 5.0, timestamp: 1}]->(heat), (u1)-[:RATED {rating: 2.0, timestamp: 2}]->(toystory),
       (u2)-[:RATED {rating: 4.5, timestamp: 3}]->(heat), (u2)-[:RATED {rating: 4.0, timestamp: 4}]->(collateral),
       (u2)-[:RATED {rating: 5.0, timestamp: 5}]->(topgun),
       (u3)-[:RATED {rating: 4.0, timestamp: 6}]->(heat), (u3)-[:RATED {rating: 5.0, timestamp: 7}]->(collateral),
       (u3)-[:RATED {rating: 3.0, timestamp: 8}]->(godfather),
       (u4)-[:RATED {rating: 4.0, timestamp: 9}]->(topgun), (u4)-[:RATED {rating: 4.0, timestamp: 10}]->(godfather),
       (u4)-[:RATED {rating: 5.0, timestamp: 11}]->(toystory)
"""
